package io.graphpaint.model.diffusion;

/**
 * The scalars of one DDIM update from timestep t to t_prev (Song et al. 2021, eq. 12), in float32
 * as diffusers computes them:
 *
 * <pre>
 *   x0_pred = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t)
 *   sigma_t = eta sqrt((1 - a_prev) / (1 - a_t) (1 - a_t / a_prev))
 *   x_prev  = sqrt(a_prev) x0_pred + sqrt(1 - a_prev - sigma_t^2) eps + sigma_t z
 * </pre>
 *
 * @param timestep t
 * @param previousTimestep t_prev (negative for the step past t = 0)
 * @param sqrtOneMinusAlphaProd sqrt(1 - a_t)
 * @param sqrtAlphaProd sqrt(a_t)
 * @param sqrtAlphaProdPrev sqrt(a_prev)
 * @param directionScale sqrt(1 - a_prev - sigma_t^2), the weight of eps in x_prev
 * @param sigma sigma_t, the weight of the fresh noise z (0 when eta = 0)
 */
public record DdimStepCoefficients(
    int timestep,
    int previousTimestep,
    float sqrtOneMinusAlphaProd,
    float sqrtAlphaProd,
    float sqrtAlphaProdPrev,
    float directionScale,
    float sigma) {

  /** Computes the coefficients with diffusers' float32 arithmetic. */
  public static DdimStepCoefficients of(
      NoiseSchedule schedule, int timestep, int previousTimestep, float eta) {
    if (!(eta >= 0) || Float.isInfinite(eta)) {
      throw new IllegalArgumentException("eta must be a finite value >= 0, got " + eta);
    }
    if (timestep < 0) {
      throw new IllegalArgumentException("timestep must be >= 0, got " + timestep);
    }
    if (previousTimestep >= timestep) {
      throw new IllegalArgumentException(
          "previousTimestep (" + previousTimestep + ") must be below timestep (" + timestep + ")");
    }
    float alphaProd = schedule.alphaCumprod(timestep);
    float alphaProdPrev = schedule.alphaCumprod(previousTimestep);
    float betaProd = 1.0f - alphaProd;
    float betaProdPrev = 1.0f - alphaProdPrev;
    float variance = (betaProdPrev / betaProd) * (1.0f - alphaProd / alphaProdPrev);
    float sigma = eta * (float) Math.sqrt(variance);
    float directionScale = (float) Math.sqrt(1.0f - alphaProdPrev - sigma * sigma);
    return new DdimStepCoefficients(
        timestep,
        previousTimestep,
        (float) Math.sqrt(betaProd),
        (float) Math.sqrt(alphaProd),
        (float) Math.sqrt(alphaProdPrev),
        directionScale,
        sigma);
  }
}
