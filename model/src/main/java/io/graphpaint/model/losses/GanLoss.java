package io.graphpaint.model.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.graphpaint.model.nn.Managed;

/**
 * The adversarial terms of alignment (stage 1): binary cross-entropy on discriminator logits,
 * computed from logits in the stable form {@code max(x, 0) - x z + log(1 + exp(-|x|))} so that
 * saturated sigmoids do not produce infinities.
 */
public final class GanLoss {

  private GanLoss() {}

  /** Mean sigmoid BCE of {@code logits} (any shape) against a constant target in [0, 1]. */
  public static NDArray binaryCrossEntropyWithLogits(NDArray logits, float target) {
    if (!(target >= 0f && target <= 1f)) {
      throw new IllegalArgumentException("target must be within [0, 1], got " + target);
    }
    return Activation.relu(logits)
        .sub(logits.mul(Managed.scalar(logits, target)))
        .add(Activation.softPlus(logits.abs().neg()))
        .mean();
  }

  /**
   * Discriminator objective: real (CLIP image embeddings) labelled 1, fake (graph embeddings)
   * labelled 0, averaged: {@code (BCE(D(real), 1) + BCE(D(fake), 0)) / 2}.
   */
  public static NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
    NDArray sum = binaryCrossEntropyWithLogits(realLogits, 1f).add(binaryCrossEntropyWithLogits(fakeLogits, 0f));
    return sum.mul(Managed.scalar(sum, 0.5f));
  }

  /** Non-saturating generator objective: {@code BCE(D(fake), 1)}. */
  public static NDArray generatorLoss(NDArray fakeLogits) {
    return binaryCrossEntropyWithLogits(fakeLogits, 1f);
  }
}
