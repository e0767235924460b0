package io.graphpaint.model.diffusion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import io.graphpaint.model.nn.ExponentialMovingAverage;
import io.graphpaint.model.nn.GradientGuard;
import io.graphpaint.model.nn.StateDict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * One DDPM optimizer step at a time on a {@link ConditionalUNet}: loss, backward, a finite
 * gradient check ({@link GradientGuard}; a refused step changes nothing), optional global-norm
 * clipping, the optimizer update, and an optional EMA update. Each step runs in its own
 * sub-manager of the parameters' manager (the inputs are attached to it for the step and handed
 * back afterwards), so native memory stays flat over any number of steps.
 */
public final class DenoiserTrainer {

  private final ConditionalUNet unet;
  private final DdpmObjective objective;
  private final Optimizer optimizer;
  private final ParameterStore parameterStore;
  private final NDManager parameterManager;
  private final GradientGuard guard = new GradientGuard();
  private final Map<String, Parameter> parameters;
  private final List<NDArray> parameterArrays = new ArrayList<>();
  private final double maxGradientNorm;
  private ExponentialMovingAverage ema;

  /** What one step did. */
  public record StepResult(float loss, boolean applied, double gradientNorm) {}

  /**
   * @param unet an initialized UNet whose parameters live in {@code parameterManager}
   * @param objective the DDPM loss
   * @param optimizer e.g. {@code Optimizer.adam()...build()}
   * @param parameterManager the manager holding the parameters
   * @param maxGradientNorm global-norm clipping threshold, or 0 for none
   */
  public DenoiserTrainer(
      ConditionalUNet unet,
      DdpmObjective objective,
      Optimizer optimizer,
      NDManager parameterManager,
      double maxGradientNorm) {
    this.unet = Objects.requireNonNull(unet, "unet must not be null");
    this.objective = Objects.requireNonNull(objective, "objective must not be null");
    this.optimizer = Objects.requireNonNull(optimizer, "optimizer must not be null");
    this.parameterManager = Objects.requireNonNull(parameterManager, "parameterManager");
    if (!(maxGradientNorm >= 0)) {
      throw new IllegalArgumentException("maxGradientNorm must be >= 0, got " + maxGradientNorm);
    }
    this.maxGradientNorm = maxGradientNorm;
    this.parameterStore = new ParameterStore(parameterManager, false);
    this.parameters = StateDict.parameters(unet);
    for (Parameter parameter : parameters.values()) {
      if (!parameter.isInitialized()) {
        throw new IllegalStateException("initialize the UNet before training it");
      }
      parameterArrays.add(parameter.getArray());
    }
  }

  /** Keeps an EMA of the weights, updated after every applied step (owned by the caller). */
  public DenoiserTrainer withEma(ExponentialMovingAverage average) {
    this.ema = average;
    return this;
  }

  public GradientGuard guard() {
    return guard;
  }

  public ParameterStore parameterStore() {
    return parameterStore;
  }

  /** A step with t and eps drawn from {@code random}. */
  public StepResult step(NDArray x0, NDArray condition, NDArray conditionMask, Random random) {
    try (NDManager draws = parameterManager.newSubManager()) {
      DdpmObjective.Draw draw = objective.draw(x0.getShape(), random, draws);
      return step(x0, draw.timesteps(), draw.noise(), condition, conditionMask);
    }
  }

  /** A step with given timesteps and noise. */
  public StepResult step(
      NDArray x0, int[] timesteps, NDArray noise, NDArray condition, NDArray conditionMask) {
    try (NDManager scope = parameterManager.newSubManager()) {
      x0.tempAttach(scope);
      noise.tempAttach(scope);
      condition.tempAttach(scope);
      if (conditionMask != null) {
        conditionMask.tempAttach(scope);
      }
      float loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray value =
            objective.loss(
                parameterStore, unet, x0, timesteps, noise, condition, conditionMask, true);
        collector.backward(value);
        loss = value.getFloat();
      }
      boolean allowed =
          Float.isFinite(loss) ? guard.allowUpdate(parameterArrays) : guard.refuse(parameterArrays);
      if (!allowed) {
        return new StepResult(loss, false, Double.NaN);
      }
      double norm =
          maxGradientNorm > 0 ? GradientGuard.clipGlobalNorm(parameterArrays, maxGradientNorm) : 0;
      for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
        NDArray weight = entry.getValue().getArray();
        NDArray gradient = weight.getGradient();
        gradient.attach(scope);
        optimizer.update(entry.getKey(), weight, gradient);
      }
      if (ema != null) {
        ema.update(unet);
      }
      return new StepResult(loss, true, norm);
    }
  }
}
