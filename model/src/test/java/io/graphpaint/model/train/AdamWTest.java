package io.graphpaint.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

  private static Parameter parameter(NDManager manager, float... values) {
    Parameter parameter =
        Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
    parameter.setArray(manager.create(values));
    parameter.getArray().setRequiresGradient(true);
    return parameter;
  }

  @Test
  void matchesAPlainJavaAdamWWithWarmupAndClipping() {
    OptimizerConfig config = new OptimizerConfig(0.1, 0.9, 0.99, 1e-8, 0.01, 3, 0.5);
    double[] w = {1.0, -2.0, 0.5};
    double[] m = new double[3];
    double[] v = new double[3];
    try (NDManager manager = NDManager.newBaseManager();
        AdamW adam = new AdamW(config, manager)) {
      Parameter parameter = parameter(manager, 1f, -2f, 0.5f);
      for (int step = 0; step < 5; step++) {
        try (NDManager stepManager = manager.newSubManager()) {
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // loss = sum(w^3) -> gradient 3 w^2
            NDArray loss = parameter.getArray().pow(3).sum();
            collector.backward(loss);
          }
          AdamW.Outcome outcome = adam.step(Map.of("w", parameter), stepManager);
          // reference
          double[] g = new double[3];
          double norm = 0;
          for (int i = 0; i < 3; i++) {
            g[i] = 3 * w[i] * w[i];
            norm += g[i] * g[i];
          }
          norm = Math.sqrt(norm);
          double clip = Math.min(1, 0.5 / (norm + 1e-6));
          double lr = config.learningRateAt(step);
          int t = step + 1;
          for (int i = 0; i < 3; i++) {
            double gi = g[i] * clip;
            m[i] = 0.9 * m[i] + 0.1 * gi;
            v[i] = 0.99 * v[i] + 0.01 * gi * gi;
            double update = (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.99, t))) + 1e-8);
            w[i] -= lr * update + lr * 0.01 * w[i];
          }
          assertThat(outcome.applied()).isTrue();
          assertThat(outcome.gradientNorm()).isCloseTo(norm, within(1e-3 * norm));
          float[] actual = parameter.getArray().toFloatArray();
          for (int i = 0; i < 3; i++) {
            assertThat((double) actual[i]).as("step %d weight %d", step, i).isCloseTo(w[i], within(1e-5));
          }
          // gradients were zeroed after the update
          assertThat(parameter.getArray().getGradient().abs().sum().getFloat()).isEqualTo(0f);
        }
      }
      assertThat(config.learningRateAt(0)).isCloseTo(0.1 / 3, within(1e-12));
      assertThat(config.learningRateAt(2)).isCloseTo(0.1, within(1e-12));
      assertThat(config.learningRateAt(3)).isEqualTo(0.1);
      assertThat(adam.updates()).isEqualTo(5);
    }
  }

  @Test
  void skipsAndCountsNonFiniteGradientsAndClearsThem() {
    try (NDManager manager = NDManager.newBaseManager();
        AdamW adam = new AdamW(OptimizerConfig.adam(0.1).withWarmupSteps(0), manager)) {
      Parameter parameter = parameter(manager, 1f, 0f);
      try (NDManager stepManager = manager.newSubManager()) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          // d/dw sqrt(w) at w = 0 is infinite, with a finite loss
          collector.backward(parameter.getArray().sqrt().sum());
        }
        AdamW.Outcome outcome = adam.step(Map.of("w", parameter), stepManager);
        assertThat(outcome.applied()).isFalse();
        assertThat(parameter.getArray().toFloatArray()).containsExactly(1f, 0f);
        assertThat(parameter.getArray().getGradient().toFloatArray()).containsExactly(0f, 0f);
      }
      assertThat(adam.skipped()).isEqualTo(1);
      assertThat(adam.updates()).isZero();
      try (NDManager stepManager = manager.newSubManager()) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(parameter.getArray().square().sum());
        }
        assertThat(adam.step(Map.of("w", parameter), stepManager).applied()).isTrue();
        assertThat(parameter.getArray().toFloatArray()[0]).isLessThan(1f);
      }
    }
  }

  @Test
  void emaFollowsWeightsWithWarmupAndRestoresItsState() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter parameter = parameter(manager, 0f, 10f);
      try (ExponentialMovingAverage ema = new ExponentialMovingAverage(0.9, Map.of("w", parameter), manager);
          ExponentialMovingAverage copy = new ExponentialMovingAverage(0.9, Map.of("w", parameter), manager)) {
        parameter.getArray().set(new float[] {1f, 0f});
        // first update: d = min(0.9, 1 / 10) = 0.1
        ema.update(Map.of("w", parameter));
        assertThat(ema.shadows().get("w").toFloatArray()[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(ema.shadows().get("w").toFloatArray()[1]).isCloseTo(1f, within(1e-5f));
        // second: d = 2 / 11
        assertThat(ema.currentDecay()).isCloseTo(2.0 / 11, within(1e-12));
        copy.load(ema.state(manager));
        assertThat(copy.updates()).isEqualTo(1);
        ema.update(Map.of("w", parameter));
        copy.update(Map.of("w", parameter));
        double d = 2.0 / 11;
        assertThat((double) ema.shadows().get("w").toFloatArray()[0]).isCloseTo(d * 0.9 + (1 - d), within(1e-6));
        assertThat(copy.shadows().get("w").toFloatArray()).containsExactly(ema.shadows().get("w").toFloatArray());
        // after many updates the decay is the configured one
        for (int i = 0; i < 200; i++) {
          ema.update(Map.of("w", parameter));
        }
        assertThat(ema.currentDecay()).isEqualTo(0.9);
      }
    }
  }
}
