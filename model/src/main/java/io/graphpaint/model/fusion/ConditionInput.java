package io.graphpaint.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.graphpaint.model.graph.GraphEncoding;

/**
 * What {@link ConditionFusion} fuses.
 *
 * @param textTokens (B, L, Dt) CLIP text encoder states of the object-label prompt
 * @param textMask (B, L) 1 for real tokens, 0 for padding
 * @param graphGlobal (B, Dg) the graph encoder's global vector G_global; may be null in TEXT_ONLY
 * @param localTokens (B, M, Dl) local graph vectors, padded: one per object (APPEND_LOCAL, Dl = Dg)
 *     or one per triple {@code [v_s; v_p; v_o]} (APPEND_TRIPLES, Dl = 3 Dg); null in other modes
 * @param localMask (B, M) 1 for real objects or triples, 0 for padding; null when localTokens is null
 */
public record ConditionInput(
    NDArray textTokens, NDArray textMask, NDArray graphGlobal, NDArray localTokens, NDArray localMask) {

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
    if ((localTokens == null) != (localMask == null)) {
      throw new IllegalArgumentException("localTokens and localMask must be given together");
    }
    if (localTokens != null) {
      Shape local = localTokens.getShape();
      if (local.dimension() != 3 || local.get(0) != batch) {
        throw new IllegalArgumentException(
            "localTokens must be (B, M, Dl) with B = " + batch + ", got " + local);
      }
      if (!localMask.getShape().equals(new Shape(batch, local.get(1)))) {
        throw new IllegalArgumentException(
            "localMask must be (B, M) = " + new Shape(batch, local.get(1)) + ", got "
                + localMask.getShape());
      }
    }
  }

  /** Text and global graph vector only. */
  public static ConditionInput of(NDArray textTokens, NDArray textMask, NDArray graphGlobal) {
    return new ConditionInput(textTokens, textMask, graphGlobal, null, null);
  }

  /**
   * What {@code mode} fuses of a graph encoding: the global vector, and for a mode with local
   * tokens the encoding's object tokens (APPEND_LOCAL) or triple tokens (APPEND_TRIPLES); text
   * alone in TEXT_ONLY.
   */
  public static ConditionInput of(NDArray textTokens, NDArray textMask, GraphEncoding encoding, FusionMode mode) {
    return switch (mode) {
      case TEXT_ONLY -> of(textTokens, textMask, null);
      case APPEND, INTERLEAVE -> of(textTokens, textMask, encoding.global());
      case APPEND_LOCAL ->
          new ConditionInput(textTokens, textMask, encoding.global(), encoding.objectTokens(), encoding.objectMask());
      case APPEND_TRIPLES ->
          new ConditionInput(textTokens, textMask, encoding.global(), encoding.tripleTokens(), encoding.tripleMask());
    };
  }

  public int batchSize() {
    return Math.toIntExact(textTokens.getShape().get(0));
  }

  public int textLength() {
    return Math.toIntExact(textTokens.getShape().get(1));
  }
}
