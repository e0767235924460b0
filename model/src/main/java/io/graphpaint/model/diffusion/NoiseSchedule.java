package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * The forward-process tables of a {@link NoiseScheduleConfig}: betas, alphas and their running
 * product alpha_bar, computed exactly as diffusers computes them so that results agree to float32
 * rounding.
 *
 * <p>Precision follows torch: linear and scaled_linear betas come from a float32 {@code linspace};
 * cosine betas are computed in double and rounded once to float32; {@code alphas = 1 - betas} in
 * float32; {@code alphas_cumprod} is torch's CPU {@code cumprod}, which accumulates in double and
 * rounds each prefix product to float32.
 */
public final class NoiseSchedule {

  private final NoiseScheduleConfig config;
  private final float[] betas;
  private final float[] alphas;
  private final float[] alphasCumprod;
  private final float finalAlphaCumprod;

  public NoiseSchedule(NoiseScheduleConfig config) {
    this.config = Objects.requireNonNull(config, "config must not be null");
    int steps = config.numTrainTimesteps();
    this.betas =
        switch (config.betaSchedule()) {
          case LINEAR -> torchLinspaceFloat32(config.betaStart(), config.betaEnd(), steps);
          case SCALED_LINEAR -> {
            float[] roots =
                torchLinspaceFloat32(
                    Math.sqrt(config.betaStart()), Math.sqrt(config.betaEnd()), steps);
            for (int i = 0; i < steps; i++) {
              roots[i] = roots[i] * roots[i];
            }
            yield roots;
          }
          case SQUAREDCOS_CAP_V2 -> cosineBetas(steps, 0.999);
        };
    this.alphas = new float[steps];
    this.alphasCumprod = new float[steps];
    double product = 1.0;
    for (int i = 0; i < steps; i++) {
      alphas[i] = 1.0f - betas[i];
      product *= alphas[i];
      alphasCumprod[i] = (float) product;
    }
    this.finalAlphaCumprod = config.setAlphaToOne() ? 1.0f : alphasCumprod[0];
  }

  public NoiseScheduleConfig config() {
    return config;
  }

  /** T, the number of training timesteps. */
  public int numTrainTimesteps() {
    return config.numTrainTimesteps();
  }

  /** beta_t for t in [0, T), a copy. */
  public float[] betas() {
    return betas.clone();
  }

  /** alpha_t = 1 - beta_t, a copy. */
  public float[] alphas() {
    return alphas.clone();
  }

  /** alpha_bar_t = prod_{s <= t} alpha_s, a copy. */
  public float[] alphasCumprod() {
    return alphasCumprod.clone();
  }

  /** alpha_bar used for the step past t = 0 (1 with {@code setAlphaToOne}, else alpha_bar_0). */
  public float finalAlphaCumprod() {
    return finalAlphaCumprod;
  }

  /**
   * alpha_bar_t; a negative t (the step past t = 0) gives {@link #finalAlphaCumprod()}.
   *
   * @throws IllegalArgumentException if t >= T
   */
  public float alphaCumprod(int timestep) {
    if (timestep >= alphasCumprod.length) {
      throw new IllegalArgumentException(
          "timestep must be below numTrainTimesteps=" + alphasCumprod.length + ", got " + timestep);
    }
    return timestep >= 0 ? alphasCumprod[timestep] : finalAlphaCumprod;
  }

  /**
   * The timesteps an {@code n}-step sampler visits, in visiting order (descending), per the
   * configured spacing (diffusers' {@code set_timesteps}).
   */
  public int[] inferenceTimesteps(int numInferenceSteps) {
    int trainSteps = config.numTrainTimesteps();
    if (numInferenceSteps < 1 || numInferenceSteps > trainSteps) {
      throw new IllegalArgumentException(
          "numInferenceSteps must be within [1, numTrainTimesteps=" + trainSteps + "], got "
              + numInferenceSteps);
    }
    int[] timesteps;
    switch (config.timestepSpacing()) {
      case LEADING -> {
        int stepRatio = trainSteps / numInferenceSteps;
        timesteps = new int[numInferenceSteps];
        for (int i = 0; i < numInferenceSteps; i++) {
          timesteps[i] = (numInferenceSteps - 1 - i) * stepRatio + config.stepsOffset();
        }
      }
      case TRAILING -> {
        // numpy: round(arange(T, 0, -T / n)) - 1, with arange's length ceil((stop - start) / step)
        double delta = -(double) trainSteps / numInferenceSteps;
        int length = (int) Math.ceil((0.0 - trainSteps) / delta);
        timesteps = new int[length];
        for (int i = 0; i < length; i++) {
          timesteps[i] = (int) Math.rint(trainSteps + i * delta) - 1;
        }
      }
      case LINSPACE -> {
        // numpy: round(linspace(0, T - 1, n))[::-1]
        timesteps = new int[numInferenceSteps];
        double stop = trainSteps - 1;
        if (numInferenceSteps == 1) {
          timesteps[0] = 0;
        } else {
          double step = stop / (numInferenceSteps - 1);
          for (int i = 0; i < numInferenceSteps; i++) {
            double value = i == numInferenceSteps - 1 ? stop : i * step;
            timesteps[numInferenceSteps - 1 - i] = (int) Math.rint(value);
          }
        }
      }
      default -> throw new IllegalStateException("unhandled spacing " + config.timestepSpacing());
    }
    return timesteps;
  }

  /** The timestep a DDIM step from {@code t} lands on: {@code t - T // n} (may be negative). */
  public int previousTimestep(int timestep, int numInferenceSteps) {
    return timestep - config.numTrainTimesteps() / numInferenceSteps;
  }

  /**
   * The forward process q(x_t | x_0): {@code sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise}
   * (DDPM eq. 4), one timestep per batch element.
   *
   * @param originalSamples x_0, (B, ...)
   * @param noise epsilon, same shape
   * @param timesteps one t per batch element, length B
   * @return x_t, same shape, attached to {@code originalSamples}' manager
   */
  public NDArray addNoise(NDArray originalSamples, NDArray noise, int[] timesteps) {
    Shape shape = originalSamples.getShape();
    if (!shape.equals(noise.getShape())) {
      throw new IllegalArgumentException(
          "noise shape " + noise.getShape() + " must equal the sample shape " + shape);
    }
    int batch = Math.toIntExact(shape.get(0));
    if (timesteps.length != batch) {
      throw new IllegalArgumentException(
          "need one timestep per batch element: batch " + batch + ", timesteps "
              + timesteps.length);
    }
    float[] signal = new float[batch];
    float[] noiseScale = new float[batch];
    for (int i = 0; i < batch; i++) {
      int t = timesteps[i];
      if (t < 0 || t >= config.numTrainTimesteps()) {
        throw new IllegalArgumentException(
            "timesteps[" + i + "] must be within [0, " + config.numTrainTimesteps() + "), got " + t);
      }
      signal[i] = (float) Math.sqrt(alphasCumprod[t]);
      noiseScale[i] = (float) Math.sqrt(1.0f - alphasCumprod[t]);
    }
    long[] broadcast = new long[shape.dimension()];
    Arrays.fill(broadcast, 1L);
    broadcast[0] = batch;
    NDManager manager = originalSamples.getManager();
    try (NDArray signalScale = manager.create(signal, new Shape(broadcast));
        NDArray noiseCoefficient = manager.create(noiseScale, new Shape(broadcast));
        NDArray scaledNoise = noise.mul(noiseCoefficient)) {
      scaledNoise.attach(manager);
      try (NDArray scaledSignal = originalSamples.mul(signalScale)) {
        return scaledSignal.add(scaledNoise);
      }
    }
  }

  /**
   * What the denoiser is trained to output for x_t made from {@code originalSamples} and {@code
   * noise} at {@code timesteps}: the noise itself for {@link PredictionType#EPSILON}, the velocity
   * {@code sqrt(alpha_bar_t) noise - sqrt(1 - alpha_bar_t) x_0} for {@link
   * PredictionType#V_PREDICTION} (diffusers' {@code get_velocity}).
   *
   * @return (B, ...), attached to {@code originalSamples}' manager
   */
  public NDArray target(NDArray originalSamples, NDArray noise, int[] timesteps) {
    if (config.predictionType() == PredictionType.EPSILON) {
      return noise;
    }
    // sqrt(a) noise - sqrt(1 - a) x0 = addNoise with the roles of x0 and noise swapped and x0 negated
    try (NDArray negated = originalSamples.neg()) {
      NDArray velocity = addNoise(noise, negated, timesteps);
      velocity.attach(originalSamples.getManager());
      return velocity;
    }
  }

  /** torch.linspace(start, end, steps, dtype=float32) on CPU, bit for bit. */
  static float[] torchLinspaceFloat32(double startValue, double endValue, int steps) {
    float start = (float) startValue;
    float end = (float) endValue;
    float[] out = new float[steps];
    if (steps == 1) {
      out[0] = start;
      return out;
    }
    float step = (end - start) / (steps - 1);
    int halfway = steps / 2;
    for (int i = 0; i < steps; i++) {
      out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
    }
    return out;
  }

  /** diffusers' betas_for_alpha_bar with the cosine transform, in double, rounded to float32. */
  static float[] cosineBetas(int steps, double maxBeta) {
    float[] out = new float[steps];
    for (int i = 0; i < steps; i++) {
      double t1 = (double) i / steps;
      double t2 = (double) (i + 1) / steps;
      out[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), maxBeta);
    }
    return out;
  }

  private static double cosineAlphaBar(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }
}
