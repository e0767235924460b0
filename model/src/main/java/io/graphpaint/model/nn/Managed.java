package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Keeps results in the caller's memory scope. DJL attaches an op's result to its FIRST operand's
 * manager; when that operand is a long-lived parameter or condition, the result would pile up in
 * the long-lived manager for the life of the model. Blocks therefore re-attach such results to
 * the manager of their activation input, which the caller scopes per step.
 */
public final class Managed {

  private Managed() {}

  /**
   * A float32 scalar that lives in {@code anchor}'s manager until that manager closes. Use it
   * instead of {@code mul(Number)} / {@code div(Number)} on arrays that take part in
   * differentiation: the PyTorch engine creates such a scalar over Java-owned memory and frees it
   * right after the op, while autograd keeps reading it in the backward pass (the product and
   * quotient rules need the other operand), which yields garbage, often NaN, gradients once the
   * memory is reused.
   */
  public static NDArray scalar(NDArray anchor, float value) {
    return anchor.getManager().create(value);
  }

  /** x * sigmoid(x) without a scalar operand (see {@link #scalar}). */
  public static NDArray silu(NDArray x) {
    return x.mul(x.getNDArrayInternal().sigmoid());
  }

  /** Attaches {@code result} to {@code anchor}'s manager and returns it. */
  public static NDArray onManagerOf(NDArray anchor, NDArray result) {
    if (result.getManager() != anchor.getManager()) {
      result.attach(anchor.getManager());
    }
    return result;
  }
}
