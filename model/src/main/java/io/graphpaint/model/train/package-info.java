/**
 * Training: the recipe 0a (CLIP) -> 0b (text-to-image) -> 1 (graph alignment) -> 2 (fine-tuning)
 * as configuration records ({@link io.graphpaint.model.train.TrainingConfig}), each stage's step
 * ({@link io.graphpaint.model.train.StageTrainer}), AdamW with savable state, EMA, the resumable
 * loop with checkpoints ({@link io.graphpaint.model.train.TrainingLoop}), the entry point
 * {@link io.graphpaint.model.train.TrainRecipe} and {@link io.graphpaint.model.train.ExportStage},
 * which writes any finished stage of a run as a model directory.
 */
package io.graphpaint.model.train;
