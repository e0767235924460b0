package io.graphpaint.model.fusion;

/** How the conditioning sequence {@code S_cond} is assembled from text and graph tokens. */
public enum FusionMode {
  /** Text tokens, then the K graph tokens (the default). */
  APPEND,
  /** The paper's layout: graph tokens spread evenly between the text tokens. */
  INTERLEAVE,
  /** Text tokens, the K global graph tokens, then one token per object. */
  APPEND_LOCAL,
  /** Text tokens only: the caption-conditioned model and the label-text baseline. */
  TEXT_ONLY;

  /** Whether this mode consumes per-object local graph vectors. */
  public boolean usesLocalTokens() {
    return this == APPEND_LOCAL;
  }

  /** Whether this mode consumes the global graph vector. */
  public boolean usesGraph() {
    return this != TEXT_ONLY;
  }
}
