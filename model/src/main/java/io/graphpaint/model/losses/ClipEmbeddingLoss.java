package io.graphpaint.model.losses;

import ai.djl.ndarray.NDArray;
import io.graphpaint.model.nn.Managed;

/**
 * {@code L_CLIP}: how far each graph embedding is from the CLIP image embedding of its graph's
 * image, averaged over the batch. Cosine ({@code 1 - cos}) ignores length, as CLIP's own
 * similarity does; MSE also matches length.
 */
public final class ClipEmbeddingLoss {

  /** Which distance {@link #compute} uses. */
  public enum Kind {
    /** {@code mean_b (1 - <g_b, c_b> / (|g_b| |c_b|))}, in [0, 2]. */
    COSINE,
    /** {@code mean_{b,d} (g_bd - c_bd)^2}. */
    MSE
  }

  /** Guards the cosine against zero-length vectors. */
  private static final float NORM_EPSILON = 1e-8f;

  private ClipEmbeddingLoss() {}

  /**
   * @param graphEmbeddings (B, D) graph encoder outputs in CLIP space
   * @param clipEmbeddings (B, D) CLIP image embeddings (targets, usually without gradient)
   * @return scalar loss
   */
  public static NDArray compute(Kind kind, NDArray graphEmbeddings, NDArray clipEmbeddings) {
    Shapes.requireSameMatrixShape("graph embeddings", graphEmbeddings, "clip embeddings", clipEmbeddings);
    return switch (kind) {
      case COSINE -> {
        NDArray dot = graphEmbeddings.mul(clipEmbeddings).sum(new int[] {1});
        NDArray norms =
            graphEmbeddings
                .norm(new int[] {1})
                .mul(clipEmbeddings.norm(new int[] {1}))
                .maximum(Managed.scalar(graphEmbeddings, NORM_EPSILON));
        yield dot.div(norms).neg().add(1f).mean();
      }
      case MSE -> graphEmbeddings.sub(clipEmbeddings).square().mean();
    };
  }
}
