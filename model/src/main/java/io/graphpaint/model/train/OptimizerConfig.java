package io.graphpaint.model.train;

/**
 * AdamW with linear warm-up and global-norm gradient clipping.
 *
 * @param learningRate peak learning rate, > 0
 * @param beta1 first-moment decay, in [0, 1)
 * @param beta2 second-moment decay, in [0, 1)
 * @param epsilon denominator guard, > 0
 * @param weightDecay decoupled weight decay (Loshchilov and Hutter), >= 0; 0 makes it Adam
 * @param warmupSteps steps over which the rate rises linearly from lr / warmupSteps to lr, >= 0
 * @param maxGradientNorm clip the global L2 norm of all gradients to this, > 0
 */
public record OptimizerConfig(
    double learningRate,
    double beta1,
    double beta2,
    double epsilon,
    double weightDecay,
    int warmupSteps,
    double maxGradientNorm) {

  public OptimizerConfig {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 must be within [0, 1), got " + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 must be within [0, 1), got " + beta2);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
    }
    if (!(maxGradientNorm > 0)) {
      throw new IllegalArgumentException("maxGradientNorm must be > 0, got " + maxGradientNorm);
    }
  }

  /** Adam(W) betas 0.9 / 0.999, eps 1e-8, no decay, 100 warm-up steps, clip at 1. */
  public static OptimizerConfig adam(double learningRate) {
    return new OptimizerConfig(learningRate, 0.9, 0.999, 1e-8, 0, 100, 1.0);
  }

  public OptimizerConfig withWarmupSteps(int steps) {
    return new OptimizerConfig(learningRate, beta1, beta2, epsilon, weightDecay, steps, maxGradientNorm);
  }

  public OptimizerConfig withWeightDecay(double decay) {
    return new OptimizerConfig(learningRate, beta1, beta2, epsilon, decay, warmupSteps, maxGradientNorm);
  }

  /** The rate at 0-based update number {@code update}. */
  public double learningRateAt(long update) {
    if (warmupSteps == 0 || update >= warmupSteps) {
      return learningRate;
    }
    return learningRate * (update + 1) / warmupSteps;
  }
}
