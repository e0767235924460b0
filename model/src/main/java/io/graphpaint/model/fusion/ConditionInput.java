package io.graphpaint.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * What {@link ConditionFusion} fuses.
 *
 * @param textTokens (B, L, Dt) CLIP text encoder states of the object-label prompt
 * @param textMask (B, L) 1 for real tokens, 0 for padding
 * @param graphGlobal (B, Dg) the graph encoder's global vector G_global; may be null in TEXT_ONLY
 * @param objectTokens (B, M, Dg) per-object local graph vectors, padded; null unless APPEND_LOCAL
 * @param objectMask (B, M) 1 for real objects, 0 for padding; null when objectTokens is null
 */
public record ConditionInput(
    NDArray textTokens, NDArray textMask, NDArray graphGlobal, NDArray objectTokens, NDArray objectMask) {

  public ConditionInput {
    if (textTokens == null || textTokens.getShape().dimension() != 3) {
      throw new IllegalArgumentException(
          "textTokens must be (B, L, Dt), got " + (textTokens == null ? "null" : textTokens.getShape()));
    }
    long batch = textTokens.getShape().get(0);
    long length = textTokens.getShape().get(1);
    if (textMask == null || !textMask.getShape().equals(new Shape(batch, length))) {
      throw new IllegalArgumentException(
          "textMask must be (B, L) = " + new Shape(batch, length) + ", got "
              + (textMask == null ? "null" : textMask.getShape()));
    }
    if (graphGlobal != null
        && (graphGlobal.getShape().dimension() != 2 || graphGlobal.getShape().get(0) != batch)) {
      throw new IllegalArgumentException(
          "graphGlobal must be (B, Dg) with B = " + batch + ", got " + graphGlobal.getShape());
    }
    if ((objectTokens == null) != (objectMask == null)) {
      throw new IllegalArgumentException("objectTokens and objectMask must be given together");
    }
    if (objectTokens != null) {
      Shape objects = objectTokens.getShape();
      if (objects.dimension() != 3 || objects.get(0) != batch) {
        throw new IllegalArgumentException(
            "objectTokens must be (B, M, Dg) with B = " + batch + ", got " + objects);
      }
      if (!objectMask.getShape().equals(new Shape(batch, objects.get(1)))) {
        throw new IllegalArgumentException(
            "objectMask must be (B, M) = " + new Shape(batch, objects.get(1)) + ", got "
                + objectMask.getShape());
      }
    }
  }

  /** Text and global graph vector only. */
  public static ConditionInput of(NDArray textTokens, NDArray textMask, NDArray graphGlobal) {
    return new ConditionInput(textTokens, textMask, graphGlobal, null, null);
  }

  public int batchSize() {
    return Math.toIntExact(textTokens.getShape().get(0));
  }

  public int textLength() {
    return Math.toIntExact(textTokens.getShape().get(1));
  }

  public int objectCount() {
    return objectTokens == null ? 0 : Math.toIntExact(objectTokens.getShape().get(1));
  }
}
