/**
 * The conditioning sequence {@code S_cond}: CLIP text tokens of the object-label prompt fused with
 * graph tokens from a learned projection (append, interleave, append with per-object tokens, or
 * text only), the null condition and condition dropout for classifier-free guidance; which text
 * of a graph is the prompt ({@link io.graphpaint.model.fusion.PromptKind}: its labels, or its
 * flattened caption for the caption-conditioned model).
 */
package io.graphpaint.model.fusion;
