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

  /** Attaches {@code result} to {@code anchor}'s manager and returns it. */
  public static NDArray onManagerOf(NDArray anchor, NDArray result) {
    if (result.getManager() != anchor.getManager()) {
      result.attach(anchor.getManager());
    }
    return result;
  }
}
