package io.graphpaint.model.losses;

import ai.djl.ndarray.NDArray;
import io.graphpaint.model.nn.Managed;

/**
 * {@code L_align = beta * L_CLIP + (1 - beta) * L_MMD}: pulls each graph embedding toward the CLIP
 * image embedding of its image (per sample) and the set of graph embeddings toward the set of
 * image embeddings (per batch).
 *
 * @param beta weight of {@code L_CLIP}, in [0, 1]; the authors use 2/3
 * @param clipKind the per-sample distance
 * @param mmd the set distance
 */
public record AlignmentLoss(double beta, ClipEmbeddingLoss.Kind clipKind, MmdLoss mmd) {

  public static final double PAPER_BETA = 2.0 / 3.0;

  public AlignmentLoss {
    if (!(beta >= 0 && beta <= 1)) {
      throw new IllegalArgumentException("beta must be within [0, 1], got " + beta);
    }
    if (clipKind == null) {
      throw new IllegalArgumentException("clipKind must be COSINE or MSE, got null");
    }
    if (mmd == null) {
      throw new IllegalArgumentException("mmd must be set");
    }
  }

  /** beta = 2/3, cosine, biased multi-bandwidth MMD with the median heuristic. */
  public static AlignmentLoss defaults() {
    return new AlignmentLoss(PAPER_BETA, ClipEmbeddingLoss.Kind.COSINE, MmdLoss.defaults());
  }

  /** The loss and its two terms, all scalars. */
  public record Terms(NDArray total, NDArray clip, NDArray mmd) {}

  /**
   * @param graphEmbeddings (B, D) graph embeddings in CLIP space
   * @param clipImageEmbeddings (B, D) CLIP image embeddings of the same graphs' images
   */
  public Terms compute(NDArray graphEmbeddings, NDArray clipImageEmbeddings) {
    NDArray clip = ClipEmbeddingLoss.compute(clipKind, graphEmbeddings, clipImageEmbeddings);
    NDArray mmdValue = mmd.compute(graphEmbeddings, clipImageEmbeddings);
    // scalar weights as arrays of the step: autograd reads them again in the backward pass
    NDArray total =
        clip.mul(Managed.scalar(clip, (float) beta)).add(mmdValue.mul(Managed.scalar(clip, (float) (1 - beta))));
    return new Terms(total, clip, mmdValue);
  }
}
