/**
 * Scene graphs to images: {@link io.graphpaint.model.sampling.SceneGraphPipeline} encodes graphs,
 * fuses the condition and samples with DDIM and classifier-free guidance, deterministically per
 * seed.
 */
package io.graphpaint.model.sampling;
