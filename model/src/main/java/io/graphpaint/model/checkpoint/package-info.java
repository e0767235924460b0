/**
 * Models on disk: the whole model in memory ({@link io.graphpaint.model.checkpoint.GraphPaintModel}),
 * its architecture ({@link io.graphpaint.model.checkpoint.ModelConfig}), the model directory
 * (model.json, per-component safetensors, tokenizer.json, metrics.json) with loud mismatch errors,
 * and named safetensors files.
 */
package io.graphpaint.model.checkpoint;
