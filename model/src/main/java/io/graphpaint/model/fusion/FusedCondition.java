package io.graphpaint.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The conditioning sequence {@code S_cond} the UNet cross-attends to.
 *
 * @param tokens (B, L', Dt)
 * @param mask (B, L') float32, 1 where a token may be attended to, 0 for padding
 */
public record FusedCondition(NDArray tokens, NDArray mask) {

  public int batchSize() {
    return Math.toIntExact(tokens.getShape().get(0));
  }

  public int length() {
    return Math.toIntExact(tokens.getShape().get(1));
  }

  /** Stacks two conditions of the same length along the batch: (B1 + B2, L', Dt). */
  public FusedCondition concatBatch(FusedCondition other) {
    if (other.length() != length()) {
      throw new IllegalArgumentException(
          "conditions must have the same length to be batched, got " + length() + " and " + other.length());
    }
    return new FusedCondition(
        NDArrays.concat(new NDList(tokens, other.tokens)), NDArrays.concat(new NDList(mask, other.mask)));
  }
}
