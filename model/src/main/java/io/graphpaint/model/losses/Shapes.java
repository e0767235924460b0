package io.graphpaint.model.losses;

import ai.djl.ndarray.NDArray;

/** Argument checks shared by the losses. */
final class Shapes {

  private Shapes() {}

  static void requireMatrix(String name, NDArray array) {
    if (array.getShape().dimension() != 2) {
      throw new IllegalArgumentException(
          name + " must be a matrix (N, D), got shape " + array.getShape());
    }
  }

  static void requireSameMatrixShape(String nameA, NDArray a, String nameB, NDArray b) {
    requireMatrix(nameA, a);
    requireMatrix(nameB, b);
    if (!a.getShape().equals(b.getShape())) {
      throw new IllegalArgumentException(
          nameA + " shape " + a.getShape() + " must equal " + nameB + " shape " + b.getShape());
    }
  }
}
