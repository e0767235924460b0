/**
 * Scene graphs as tensors ({@link io.graphpaint.model.graph.GraphBatch}) and the scene-graph
 * encoder ({@link io.graphpaint.model.graph.GraphEncoder}): sg2im triple graph convolution with
 * SGDiff's parameter names, producing {@code G_global}, triple tokens and per-object tokens ({@link
 * io.graphpaint.model.graph.GraphEncoding}).
 */
package io.graphpaint.model.graph;
