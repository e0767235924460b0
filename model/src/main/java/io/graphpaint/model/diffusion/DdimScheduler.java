package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * diffusers' {@code DDIMScheduler} for epsilon or v prediction (the schedule's {@link
 * PredictionType}): which timesteps to visit and the update from one to the next. Stateless apart
 * from its schedule, so one instance serves any number of concurrent samplers.
 *
 * <p>Sample clipping (diffusers' {@code clip_sample}, its default, and DDPM's {@code
 * clip_denoised}) clamps the predicted x_0 to {@code [-range, range]} before it enters the update;
 * the model's eps still gives the direction ({@code use_clipped_model_output=False}). Without it,
 * an eps error e at a high timestep becomes an x_0 error of {@code sqrt(1 - a_t) / sqrt(a_t) e}
 * (about 156 e at t = 999 of the linear schedule), which drives the trajectory out of the data
 * range and ends in saturated per-pixel noise unless the model is almost exact there. The
 * schedulers built by the constructors do not clip (the bare update, as in the diffusers parity
 * fixtures); {@link #withSampleClipping} gives one that does.
 */
public final class DdimScheduler {

  private final NoiseSchedule schedule;
  /** Half-width of the x_0 clamp, or 0 for none. */
  private final float sampleClipRange;

  public DdimScheduler(NoiseSchedule schedule) {
    this(schedule, 0f);
  }

  public DdimScheduler(NoiseScheduleConfig config) {
    this(new NoiseSchedule(config));
  }

  private DdimScheduler(NoiseSchedule schedule, float sampleClipRange) {
    this.schedule = Objects.requireNonNull(schedule, "schedule must not be null");
    if (!(sampleClipRange >= 0) || Float.isInfinite(sampleClipRange)) {
      throw new IllegalArgumentException(
          "sampleClipRange must be a finite value >= 0 (0 = no clipping), got " + sampleClipRange);
    }
    this.sampleClipRange = sampleClipRange;
  }

  /**
   * This schedule with x_0 predictions clamped to {@code [-range, range]} in every step (diffusers'
   * {@code clip_sample_range}; 1 for images in [-1, 1]).
   */
  public DdimScheduler withSampleClipping(float range) {
    if (!(range > 0) || Float.isInfinite(range)) {
      throw new IllegalArgumentException("sample clip range must be a finite value > 0, got " + range);
    }
    return new DdimScheduler(schedule, range);
  }

  /** The x_0 clamp's half-width, 0 when this scheduler does not clip. */
  public float sampleClipRange() {
    return sampleClipRange;
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
   * @param epsilon the model's output, (B, C, H, W): its noise prediction, or v for a
   *     v-prediction schedule
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
    NDArray unclipped;
    NDArray noise; // eps, the direction of the update
    if (schedule.config().predictionType() == PredictionType.V_PREDICTION) {
      // the model gave v: x0_pred = sqrt(a_t) x_t - sqrt(1 - a_t) v,
      // eps = sqrt(1 - a_t) x_t + sqrt(a_t) v
      try (NDArray signal = sample.mul(coefficients.sqrtAlphaProd());
          NDArray scaledVelocity = epsilon.mul(coefficients.sqrtOneMinusAlphaProd());
          NDArray noisePart = sample.mul(coefficients.sqrtOneMinusAlphaProd());
          NDArray velocityPart = epsilon.mul(coefficients.sqrtAlphaProd())) {
        unclipped = signal.sub(scaledVelocity);
        noise = noisePart.add(velocityPart);
      }
    } else {
      noise = epsilon;
      // x0_pred = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t)
      try (NDArray scaledEpsilon = epsilon.mul(coefficients.sqrtOneMinusAlphaProd());
          NDArray numerator = sample.sub(scaledEpsilon)) {
        unclipped = numerator.div(coefficients.sqrtAlphaProd());
      }
    }
    NDArray predictedOriginal;
    if (sampleClipRange > 0) {
      try (unclipped) {
        predictedOriginal = unclipped.clip(-sampleClipRange, sampleClipRange);
      }
    } else {
      predictedOriginal = unclipped;
    }
    NDArray previous;
    try (predictedOriginal;
        NDArray direction = noise.mul(coefficients.directionScale());
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
