package io.graphpaint.model.losses;

import ai.djl.ndarray.NDArray;

/**
 * {@code L_recon}: the DDPM "simple" objective, the mean squared error between the noise the UNet
 * predicts and the noise that was added, averaged over every element of the batch.
 */
public final class NoiseReconstructionLoss {

  private NoiseReconstructionLoss() {}

  /**
   * @param predictedNoise epsilon predicted by the UNet, any shape, e.g. (B, C, H, W)
   * @param addedNoise the noise that produced the noisy input, same shape
   * @return the scalar mean of {@code (predicted - added)^2}
   */
  public static NDArray compute(NDArray predictedNoise, NDArray addedNoise) {
    if (!predictedNoise.getShape().equals(addedNoise.getShape())) {
      throw new IllegalArgumentException(
          "predicted noise shape "
              + predictedNoise.getShape()
              + " must equal added noise shape "
              + addedNoise.getShape());
    }
    return predictedNoise.sub(addedNoise).square().mean();
  }
}
