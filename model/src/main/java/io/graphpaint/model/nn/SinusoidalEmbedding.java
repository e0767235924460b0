package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Sinusoidal timestep embedding, as diffusers' {@code get_timestep_embedding}: for i in [0, D/2),
 * {@code f_i = exp(-ln(maxPeriod) i / (D/2 - freqShift))}, embedding {@code [sin(t f), cos(t f)]},
 * or {@code [cos, sin]} with {@code flipSinToCos} (the UNet2DConditionModel default), zero-padded
 * when D is odd.
 *
 * @param dim D, the embedding width, >= 2
 * @param flipSinToCos put the cosines first
 * @param downscaleFreqShift the frequency shift (0 or 1 in diffusers)
 * @param maxPeriod the longest period, 10000 in the transformer and diffusers
 */
public record SinusoidalEmbedding(
    int dim, boolean flipSinToCos, float downscaleFreqShift, float maxPeriod) {

  public SinusoidalEmbedding {
    if (dim < 2) {
      throw new IllegalArgumentException("dim must be >= 2, got " + dim);
    }
    if (!(downscaleFreqShift >= 0 && downscaleFreqShift < dim / 2)) {
      throw new IllegalArgumentException(
          "downscaleFreqShift must be within [0, dim/2=" + dim / 2 + "), got "
              + downscaleFreqShift);
    }
    if (!(maxPeriod > 1)) {
      throw new IllegalArgumentException("maxPeriod must be > 1, got " + maxPeriod);
    }
  }

  /** UNet2DConditionModel's settings: cos first, no shift, period 10000. */
  public static SinusoidalEmbedding diffusersUNet(int dim) {
    return new SinusoidalEmbedding(dim, true, 0f, 10000f);
  }

  /** The frequencies f_i, float32 as torch computes them. */
  public float[] frequencies() {
    int half = dim / 2;
    float logPeriod = (float) -Math.log(maxPeriod);
    float[] out = new float[half];
    for (int i = 0; i < half; i++) {
      float exponent = logPeriod * i / (half - downscaleFreqShift);
      out[i] = (float) Math.exp(exponent);
    }
    return out;
  }

  /**
   * Embeds timesteps.
   *
   * @param timesteps (B), any numeric type
   * @return (B, D) float32, attached to {@code timesteps}' manager
   */
  public NDArray embed(NDArray timesteps) {
    if (timesteps.getShape().dimension() != 1) {
      throw new IllegalArgumentException(
          "timesteps must be (B), got " + timesteps.getShape());
    }
    NDManager manager = timesteps.getManager();
    int half = dim / 2;
    long batch = timesteps.getShape().get(0);
    NDArray t = timesteps.toType(DataType.FLOAT32, true).reshape(batch, 1);
    // (B, 1) * (1, D/2) -> (B, D/2)
    NDArray arguments = t.mul(manager.create(frequencies(), new Shape(1, half)));
    NDArray sin = arguments.sin();
    NDArray cos = arguments.cos();
    NDArray embedding = flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
    if (dim % 2 == 1) {
      embedding = embedding.concat(manager.zeros(new Shape(batch, 1)), 1);
    }
    return embedding;
  }
}
