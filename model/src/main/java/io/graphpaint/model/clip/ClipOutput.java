package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;

/**
 * Both towers, projected and compared.
 *
 * @param text text tower output
 * @param vision image tower output
 * @param textEmbeds L2-normalised {@code text_projection(pooled)}, (B_t, P)
 * @param imageEmbeds L2-normalised {@code visual_projection(pooled)}, (B_i, P)
 * @param logitsPerText {@code exp(logit_scale) * textEmbeds imageEmbeds^T}, (B_t, B_i)
 * @param logitsPerImage its transpose, (B_i, B_t)
 */
public record ClipOutput(
    ClipEncoderOutput text,
    ClipEncoderOutput vision,
    NDArray textEmbeds,
    NDArray imageEmbeds,
    NDArray logitsPerText,
    NDArray logitsPerImage) {}
