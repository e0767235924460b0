package io.graphpaint.model.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** A plain Adam loop (bias-corrected, no weight decay) for tests: one sub-manager per step, gradients zeroed after each update. */
public final class TrainingSteps {

  private TrainingSteps() {}

  /** Runs {@code steps} Adam steps of {@code loss(stepManager, parameterStore)}; returns the losses. */
  public static List<Float> adam(
      StateDictBlock block, NDManager manager, float learningRate, int steps,
      BiFunction<NDManager, ParameterStore, NDArray> loss) {
    // DJL's Adam spends ~3-10 ms per parameter update here; these few array ops take well under 1 ms
    Map<Parameter, NDArray[]> moments = new java.util.HashMap<>();
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    ParameterStore ps = new ParameterStore(manager, false);
    List<Float> losses = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      try (NDManager stepManager = manager.newSubManager()) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray value = loss.apply(stepManager, ps);
          collector.backward(value);
          losses.add(value.getFloat());
        }
        int t = step + 1;
        for (Parameter p : block.stateDict().values()) {
          NDArray grad = p.getArray().getGradient();
          grad.attach(stepManager);
          NDArray[] mv =
              moments.computeIfAbsent(p, k -> new NDArray[] {k.getArray().zerosLike(), k.getArray().zerosLike()});
          mv[0].muli(beta1).addi(grad.mul(1 - beta1));
          mv[1].muli(beta2).addi(grad.square().mul(1 - beta2));
          NDArray mHat = mv[0].duplicate();
          mHat.attach(stepManager);
          NDArray vHat = mv[1].duplicate();
          vHat.attach(stepManager);
          mHat.divi(1 - Math.pow(beta1, t));
          vHat = vHat.divi(1 - Math.pow(beta2, t)).sqrt().addi(1e-8f);
          p.getArray().subi(mHat.divi(vHat).muli(learningRate));
        }
        zeroGradients(block, stepManager);
      }
    }
    return losses;
  }

  /** Sum of |gradient| per parameter after one backward pass of {@code loss}. */
  public static Map<String, Float> gradientMagnitudes(
      StateDictBlock block, NDManager manager, BiFunction<NDManager, ParameterStore, NDArray> loss) {
    ParameterStore ps = new ParameterStore(manager, false);
    java.util.LinkedHashMap<String, Float> out = new java.util.LinkedHashMap<>();
    try (NDManager stepManager = manager.newSubManager()) {
      zeroGradients(block, stepManager);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(loss.apply(stepManager, ps));
      }
      for (Map.Entry<String, Parameter> e : block.stateDict().entrySet()) {
        NDArray grad = e.getValue().getArray().getGradient();
        grad.attach(stepManager);
        out.put(e.getKey(), grad.abs().sum().getFloat());
      }
      zeroGradients(block, stepManager);
    }
    return out;
  }

  private static void zeroGradients(StateDictBlock block, NDManager stepManager) {
    for (Parameter p : block.stateDict().values()) {
      NDArray grad = p.getArray().getGradient();
      grad.attach(stepManager);
      grad.subi(grad);
    }
  }
}
