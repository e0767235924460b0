package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * diffusers' {@code DDIMScheduler} for epsilon prediction without sample clipping: which
 * timesteps to visit and the update from one to the next. Stateless apart from its schedule, so
 * one instance serves any number of concurrent samplers.
 */
public final class DdimScheduler {

  private final NoiseSchedule schedule;

  public DdimScheduler(NoiseSchedule schedule) {
    this.schedule = Objects.requireNonNull(schedule, "schedule must not be null");
  }

  public DdimScheduler(NoiseScheduleConfig config) {
    this(new NoiseSchedule(config));
  }

  public NoiseSchedule schedule() {
    return schedule;
  }

  /** The timesteps of an {@code n}-step run, descending. */
  public int[] timesteps(int numInferenceSteps) {
    return schedule.inferenceTimesteps(numInferenceSteps);
  }

  /** The coefficients of the step from {@code t} in an {@code n}-step run. */
  public DdimStepCoefficients coefficients(int timestep, int numInferenceSteps, float eta) {
    return DdimStepCoefficients.of(
        schedule, timestep, schedule.previousTimestep(timestep, numInferenceSteps), eta);
  }

  /**
   * One DDIM step x_t -> x_prev.
   *
   * @param epsilon the model's noise prediction, (B, C, H, W)
   * @param sample x_t, same shape
   * @param coefficients from {@link #coefficients(int, int, float)}
   * @param varianceNoise z, same shape; required when sigma > 0 (eta > 0), ignored otherwise
   * @return x_prev, same shape, attached to {@code sample}'s manager
   */
  public NDArray step(
      NDArray epsilon, NDArray sample, DdimStepCoefficients coefficients, NDArray varianceNoise) {
    if (!epsilon.getShape().equals(sample.getShape())) {
      throw new IllegalArgumentException(
          "epsilon shape " + epsilon.getShape() + " must equal sample shape " + sample.getShape());
    }
    // x0_pred = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t)
    NDArray predictedOriginal;
    try (NDArray scaledEpsilon = epsilon.mul(coefficients.sqrtOneMinusAlphaProd());
        NDArray numerator = sample.sub(scaledEpsilon)) {
      predictedOriginal = numerator.div(coefficients.sqrtAlphaProd());
    }
    NDArray previous;
    try (predictedOriginal;
        NDArray direction = epsilon.mul(coefficients.directionScale());
        NDArray signal = predictedOriginal.mul(coefficients.sqrtAlphaProdPrev())) {
      direction.attach(sample.getManager());
      previous = signal.add(direction);
    }
    if (coefficients.sigma() > 0) {
      if (varianceNoise == null) {
        throw new IllegalArgumentException(
            "varianceNoise is required when eta > 0 (sigma = " + coefficients.sigma() + ")");
      }
      if (!varianceNoise.getShape().equals(sample.getShape())) {
        throw new IllegalArgumentException(
            "varianceNoise shape " + varianceNoise.getShape() + " must equal sample shape "
                + sample.getShape());
      }
      try (previous;
          NDArray fresh = varianceNoise.mul(coefficients.sigma())) {
        fresh.attach(sample.getManager());
        return previous.add(fresh);
      }
    }
    return previous;
  }

  /** A whole DDIM step from t in an n-step run: {@link #coefficients} then {@link #step}. */
  public NDArray step(
      NDArray epsilon,
      int timestep,
      int numInferenceSteps,
      NDArray sample,
      float eta,
      NDArray varianceNoise) {
    return step(epsilon, sample, coefficients(timestep, numInferenceSteps, eta), varianceNoise);
  }
}
