package io.graphpaint.model.losses;

import ai.djl.ndarray.NDArray;
import io.graphpaint.model.nn.Managed;

/**
 * Stage-2 objective {@code L = lambda * L_recon + (1 - lambda) * L_align}.
 *
 * @param lambda weight of the noise reconstruction term, in [0, 1]; the authors use 0.7
 * @param alignment the {@code L_align} definition
 */
public record FineTuningLoss(double lambda, AlignmentLoss alignment) {

  public static final double PAPER_LAMBDA = 0.7;

  public FineTuningLoss {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be within [0, 1], got " + lambda);
    }
    if (alignment == null) {
      throw new IllegalArgumentException("alignment must be set");
    }
  }

  /** lambda = 0.7 with {@link AlignmentLoss#defaults()}. */
  public static FineTuningLoss defaults() {
    return new FineTuningLoss(PAPER_LAMBDA, AlignmentLoss.defaults());
  }

  /** The total and its parts, all scalars. */
  public record Terms(NDArray total, NDArray reconstruction, AlignmentLoss.Terms alignment) {}

  /**
   * @param predictedNoise (B, C, H, W) UNet output
   * @param addedNoise (B, C, H, W) the noise that was added
   * @param graphEmbeddings (B, D) graph embeddings in CLIP space
   * @param clipImageEmbeddings (B, D) CLIP image embeddings of the batch's images
   */
  public Terms compute(
      NDArray predictedNoise,
      NDArray addedNoise,
      NDArray graphEmbeddings,
      NDArray clipImageEmbeddings) {
    NDArray reconstruction = NoiseReconstructionLoss.compute(predictedNoise, addedNoise);
    return combine(reconstruction, alignment.compute(graphEmbeddings, clipImageEmbeddings));
  }

  /** {@code lambda * reconstruction + (1 - lambda) * align.total} from terms computed elsewhere. */
  public Terms combine(NDArray reconstruction, AlignmentLoss.Terms align) {
    NDArray total =
        reconstruction
            .mul(Managed.scalar(reconstruction, (float) lambda))
            .add(align.total().mul(Managed.scalar(reconstruction, (float) (1 - lambda))));
    return new Terms(total, reconstruction, align);
  }
}
