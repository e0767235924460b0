package io.graphpaint.model.fusion;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the conditioning sequence {@code S_cond} is assembled from text and graph tokens. */
public enum FusionMode {
  /** Text tokens, then the K graph tokens (the default). */
  APPEND,
  /** The paper's layout: graph tokens spread evenly between the text tokens. */
  INTERLEAVE,
  /** Text tokens, the K global graph tokens, then one token per object. */
  APPEND_LOCAL,
  /**
   * Text tokens, the K global graph tokens, then one token per triple: its subject's, predicate's
   * and object's final vectors side by side, {@code [v_s; v_p; v_o]} (SGDiff's {@code
   * graph_local_fea}). Each token holds one relationship with its direction, so a reversed
   * relationship is a different token.
   */
  APPEND_TRIPLES,
  /** Text tokens only: the caption-conditioned model and the label-text baseline. */
  TEXT_ONLY;

  /** The modes' names as a user types them, for error messages: "APPEND, INTERLEAVE, ...". */
  public static String names() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }

  /** Whether this mode consumes local graph vectors (per object or per triple) besides the global one. */
  public boolean usesLocalTokens() {
    return this == APPEND_LOCAL || this == APPEND_TRIPLES;
  }

  /**
   * Width of this mode's local graph vectors for graph width {@code graphSize}: Dg per object,
   * 3 Dg per triple; 0 for a mode without them.
   */
  public int localWidth(int graphSize) {
    return switch (this) {
      case APPEND_LOCAL -> graphSize;
      case APPEND_TRIPLES -> 3 * graphSize;
      default -> 0;
    };
  }

  /** Whether this mode consumes the global graph vector. */
  public boolean usesGraph() {
    return this != TEXT_ONLY;
  }
}
