package io.graphpaint.model.diffusion;

import java.util.Objects;

/**
 * A noise schedule with diffusers' {@code DDIMScheduler} semantics (no sample clipping), so that a
 * setting means here what it means to users of diffusers.
 *
 * @param numTrainTimesteps T, the number of training timesteps, in [2, 100000]
 * @param betaStart first beta (linear and scaled_linear), in (0, 1)
 * @param betaEnd last beta (linear and scaled_linear), in [betaStart, 1)
 * @param betaSchedule layout of the betas
 * @param timestepSpacing how inference timesteps are chosen
 * @param setAlphaToOne whether the step past t = 0 uses alpha_bar = 1 (else alpha_bar[0])
 * @param stepsOffset added to "leading" timesteps, in [0, T)
 * @param predictionType what the denoiser trained on this schedule predicts; absent (a model.json
 *     written before it existed) means {@link PredictionType#EPSILON}
 */
public record NoiseScheduleConfig(
    int numTrainTimesteps,
    double betaStart,
    double betaEnd,
    BetaSchedule betaSchedule,
    TimestepSpacing timestepSpacing,
    boolean setAlphaToOne,
    int stepsOffset,
    PredictionType predictionType) {

  @com.fasterxml.jackson.annotation.JsonCreator
  public NoiseScheduleConfig {
    Objects.requireNonNull(betaSchedule, "betaSchedule must not be null");
    if (predictionType == null) {
      predictionType = PredictionType.EPSILON;
    }
    Objects.requireNonNull(timestepSpacing, "timestepSpacing must not be null");
    if (numTrainTimesteps < 2 || numTrainTimesteps > 100_000) {
      throw new IllegalArgumentException(
          "numTrainTimesteps must be within [2, 100000], got " + numTrainTimesteps);
    }
    if (!(betaStart > 0 && betaStart < 1)) {
      throw new IllegalArgumentException("betaStart must be within (0, 1), got " + betaStart);
    }
    if (!(betaEnd >= betaStart && betaEnd < 1)) {
      throw new IllegalArgumentException(
          "betaEnd must be within [betaStart=" + betaStart + ", 1), got " + betaEnd);
    }
    if (stepsOffset < 0 || stepsOffset >= numTrainTimesteps) {
      throw new IllegalArgumentException(
          "stepsOffset must be within [0, numTrainTimesteps=" + numTrainTimesteps + "), got "
              + stepsOffset);
    }
  }

  /** An epsilon-prediction schedule (the diffusers parity fixtures' setting). */
  public NoiseScheduleConfig(
      int numTrainTimesteps,
      double betaStart,
      double betaEnd,
      BetaSchedule betaSchedule,
      TimestepSpacing timestepSpacing,
      boolean setAlphaToOne,
      int stepsOffset) {
    this(numTrainTimesteps, betaStart, betaEnd, betaSchedule, timestepSpacing, setAlphaToOne, stepsOffset,
        PredictionType.EPSILON);
  }

  /**
   * graphpaint's default: DDPM's linear betas 1e-4 .. 0.02 over T = 1000, "trailing" spacing so
   * that sampling starts from the fully noised t = 999 even with few steps, and alpha_bar = 1 past
   * t = 0 so the last step returns the predicted clean image, and v-prediction, so the steps at
   * high noise learn the image rather than a noise estimate that must be exact to mean anything.
   */
  public static NoiseScheduleConfig defaults() {
    return new NoiseScheduleConfig(
        1000, 1e-4, 0.02, BetaSchedule.LINEAR, TimestepSpacing.TRAILING, true, 0, PredictionType.V_PREDICTION);
  }

  /** DDPM / diffusers' DDIMScheduler defaults: linear 1e-4 .. 0.02, "leading", alpha to one. */
  public static NoiseScheduleConfig ddpmLinear() {
    return new NoiseScheduleConfig(
        1000, 1e-4, 0.02, BetaSchedule.LINEAR, TimestepSpacing.LEADING, true, 0);
  }

  /** Stable Diffusion's: scaled_linear 0.00085 .. 0.012, "leading", offset 1, no alpha to one. */
  public static NoiseScheduleConfig stableDiffusion() {
    return new NoiseScheduleConfig(
        1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, TimestepSpacing.LEADING, false, 1);
  }

  /** The cosine schedule (squaredcos_cap_v2) with "trailing" spacing. */
  public static NoiseScheduleConfig cosine() {
    return new NoiseScheduleConfig(
        1000, 1e-4, 0.02, BetaSchedule.SQUAREDCOS_CAP_V2, TimestepSpacing.TRAILING, false, 0);
  }

  public NoiseScheduleConfig withTimestepSpacing(TimestepSpacing spacing) {
    return new NoiseScheduleConfig(
        numTrainTimesteps, betaStart, betaEnd, betaSchedule, spacing, setAlphaToOne, stepsOffset, predictionType);
  }

  public NoiseScheduleConfig withSetAlphaToOne(boolean value) {
    return new NoiseScheduleConfig(
        numTrainTimesteps, betaStart, betaEnd, betaSchedule, timestepSpacing, value, stepsOffset, predictionType);
  }

  public NoiseScheduleConfig withStepsOffset(int offset) {
    return new NoiseScheduleConfig(
        numTrainTimesteps, betaStart, betaEnd, betaSchedule, timestepSpacing, setAlphaToOne, offset, predictionType);
  }

  public NoiseScheduleConfig withPredictionType(PredictionType type) {
    return new NoiseScheduleConfig(
        numTrainTimesteps, betaStart, betaEnd, betaSchedule, timestepSpacing, setAlphaToOne, stepsOffset, type);
  }
}
