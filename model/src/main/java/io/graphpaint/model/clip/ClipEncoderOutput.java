package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;

/**
 * A CLIP tower's output.
 *
 * @param lastHiddenState (B, S, D); for text after {@code final_layer_norm}, for vision the
 *     encoder output before {@code post_layernorm} (as transformers returns them)
 * @param pooled (B, D); text: the EOS position's vector; vision: {@code post_layernorm} of the class
 *     token
 */
public record ClipEncoderOutput(NDArray lastHiddenState, NDArray pooled) {}
