package io.graphpaint.model.fusion;

/**
 * Settings of {@link ConditionFusion}.
 *
 * @param mode how text and graph tokens are arranged
 * @param textSize Dt, the width of the CLIP text token states and of the output tokens
 * @param graphSize Dg, the width of the graph encoder's global and local vectors
 * @param graphTokens K, how many tokens the global graph vector is projected to, >= 1
 * @param conditionDropout probability, per sample in training, of replacing the whole condition by
 *     the null condition (classifier-free guidance), in [0, 1)
 */
public record FusionConfig(
    FusionMode mode, int textSize, int graphSize, int graphTokens, double conditionDropout) {

  /** The usual classifier-free-guidance dropout rate. */
  public static final double DEFAULT_CONDITION_DROPOUT = 0.1;

  public FusionConfig {
    if (mode == null) {
      throw new IllegalArgumentException("mode must be one of " + FusionMode.names());
    }
    if (textSize < 1) {
      throw new IllegalArgumentException("textSize must be >= 1, got " + textSize);
    }
    if (graphSize < 1) {
      throw new IllegalArgumentException("graphSize must be >= 1, got " + graphSize);
    }
    if (graphTokens < 1 || graphTokens > 256) {
      throw new IllegalArgumentException("graphTokens must be within [1, 256], got " + graphTokens);
    }
    if (!(conditionDropout >= 0 && conditionDropout < 1)) {
      throw new IllegalArgumentException(
          "conditionDropout must be within [0, 1), got " + conditionDropout);
    }
  }

  /** APPEND with K graph tokens and dropout 0.1. */
  public static FusionConfig append(int textSize, int graphSize, int graphTokens) {
    return new FusionConfig(
        FusionMode.APPEND, textSize, graphSize, graphTokens, DEFAULT_CONDITION_DROPOUT);
  }

  public FusionConfig withMode(FusionMode newMode) {
    return new FusionConfig(newMode, textSize, graphSize, graphTokens, conditionDropout);
  }

  public FusionConfig withConditionDropout(double probability) {
    return new FusionConfig(mode, textSize, graphSize, graphTokens, probability);
  }

  /** Length L' of the fused sequence for L text tokens and M local (object or triple) tokens. */
  public int fusedLength(int textLength, int localTokens) {
    return switch (mode) {
      case APPEND, INTERLEAVE -> textLength + graphTokens;
      case APPEND_LOCAL, APPEND_TRIPLES -> textLength + graphTokens + localTokens;
      case TEXT_ONLY -> textLength;
    };
  }
}
