package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.graphpaint.model.nn.StateDict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The UNet learns: every parameter gets gradient, and a tiny batch is memorized. */
class DiffusionTrainingTest {

  private static final int B = 4;
  private static final int L = 3;

  /** Four smooth, distinct 16x16 images in [-1, 1]. */
  static float[] tinyImages() {
    int s = TinyUNets.SIZE;
    float[] out = new float[B * 3 * s * s];
    for (int b = 0; b < B; b++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < s; y++) {
          for (int x = 0; x < s; x++) {
            double v = Math.sin((x + 1.3 * b) * (0.3 + 0.1 * c)) * Math.cos((y - b) * 0.25);
            out[((b * 3 + c) * s + y) * s + x] = (float) (0.8 * v);
          }
        }
      }
    }
    return out;
  }

  static NDArray conditions(NDManager manager) {
    Random r = new Random(3);
    float[] cond = new float[B * L * TinyUNets.CONDITION_DIM];
    for (int i = 0; i < cond.length; i++) {
      cond[i] = (float) r.nextGaussian();
    }
    return manager.create(cond, new Shape(B, L, TinyUNets.CONDITION_DIM));
  }

  @Test
  void gradientReachesEveryParameter() {
    Engine.getInstance().setRandomSeed(1);
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditionalUNet unet = TinyUNets.build().initialize(manager);
      ParameterStore ps = new ParameterStore(manager, false);
      DdpmObjective objective = new DdpmObjective(new NoiseSchedule(NoiseScheduleConfig.defaults()));
      try (NDManager step = manager.newSubManager()) {
        NDArray x0 = step.create(tinyImages(), new Shape(B, 3, TinyUNets.SIZE, TinyUNets.SIZE));
        NDArray mask = step.create(new float[] {1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1}, new Shape(B, L));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray loss =
              objective.loss(ps, unet, x0, conditions(step), mask, new Random(2), true);
          collector.backward(loss);
        }
        List<String> dead = new ArrayList<>();
        Map<String, NDArray> params = StateDict.view(unet);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
          NDArray grad = e.getValue().getGradient();
          grad.attach(step);
          float magnitude = grad.abs().sum().getFloat();
          if (!(magnitude > 0) || !Float.isFinite(magnitude)) {
            dead.add(e.getKey() + " (|grad| sum " + magnitude + ")");
          }
        }
        assertThat(params).hasSizeGreaterThan(50);
        assertThat(dead).as("parameters without gradient").isEmpty();
      }
    }
  }

  @Test
  void memorizesATinyBatch() {
    Engine.getInstance().setRandomSeed(2);
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditionalUNet unet = TinyUNets.build().initialize(manager);
      DdpmObjective objective = new DdpmObjective(new NoiseSchedule(NoiseScheduleConfig.defaults()));
      Optimizer adam =
          Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build();
      DenoiserTrainer trainer = new DenoiserTrainer(unet, objective, adam, manager, 1.0);
      NDArray x0 = manager.create(tinyImages(), new Shape(B, 3, TinyUNets.SIZE, TinyUNets.SIZE));
      NDArray condition = conditions(manager);
      // a fixed set of (t, noise): the denoiser can memorize it
      DdpmObjective.Draw draw = objective.draw(x0.getShape(), new Random(9), manager);
      int[] timesteps = {30, 250, 600, 950};
      float first = Float.NaN;
      float best = Float.MAX_VALUE;
      int steps = 0;
      long start = System.nanoTime();
      while (steps < 400 && !(best < first / 10)) {
        DenoiserTrainer.StepResult result =
            trainer.step(x0, timesteps, draw.noise(), condition, null);
        if (Float.isNaN(first)) {
          first = result.loss();
        }
        if (result.applied()) {
          best = Math.min(best, result.loss());
        }
        steps++;
      }
      System.out.printf(
          "tiny batch: loss %.4f -> %.4f in %d steps, %.1f ms/step%n",
          first, best, steps, (System.nanoTime() - start) / 1e6 / steps);
      assertThat(best).as("loss after %d steps (first %s)", steps, first).isLessThan(first / 10);
      // Every step passes the finite-gradient guard; refusals (defence in depth against
      // non-finite gradients) must stay rare.
      assertThat(trainer.guard().checkedSteps()).isEqualTo(steps);
      assertThat(trainer.guard().skippedSteps()).isLessThan(steps / 4 + 1);
    }
  }
}
