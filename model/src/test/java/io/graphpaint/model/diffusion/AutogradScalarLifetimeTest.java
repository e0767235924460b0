package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.nn.StateDict;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradients do not depend on what happens to freed Java memory between forward and backward: the
 * forward pass must not leave autograd reading scalars the engine has already released (DJL's
 * {@code mul(Number)} / {@code div(Number)} do that). Between the passes the test frees and
 * refills memory with NaN bytes; the gradients must match a run without that churn.
 */
class AutogradScalarLifetimeTest {

  private static float[][] gradients(boolean churn) {
    Engine.getInstance().setRandomSeed(31);
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditionalUNet unet = TinyUNets.build().initialize(manager);
      ParameterStore ps = new ParameterStore(manager, false);
      DdpmObjective objective =
          new DdpmObjective(new NoiseSchedule(NoiseScheduleConfig.defaults()));
      try (NDManager step = manager.newSubManager()) {
        NDArray x0 = step.create(DiffusionTrainingTest.tinyImages(), new Shape(4, 3, 16, 16));
        NDArray mask =
            step.create(new float[] {1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1}, new Shape(4, 3));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray loss =
              objective.loss(
                  ps, unet, x0, DiffusionTrainingTest.conditions(step), mask, new Random(2), true);
          if (churn) {
            for (int round = 0; round < 3; round++) {
              System.gc();
              List<ByteBuffer> garbage = new ArrayList<>();
              for (int i = 0; i < 2000; i++) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(64);
                while (buffer.hasRemaining()) {
                  buffer.put((byte) 0xFF); // NaN bit patterns
                }
                garbage.add(buffer);
              }
            }
          }
          collector.backward(loss);
        }
        Map<String, NDArray> params = StateDict.view(unet);
        float[][] out = new float[params.size()][];
        int i = 0;
        for (NDArray p : params.values()) {
          NDArray g = p.getGradient();
          g.attach(step);
          out[i++] = g.toFloatArray();
        }
        return out;
      }
    }
  }

  @Test
  void gradientsSurviveMemoryChurnBetweenForwardAndBackward() {
    float[][] quiet = gradients(false);
    float[][] churned = gradients(true);
    assertThat(churned.length).isEqualTo(quiet.length);
    for (int i = 0; i < quiet.length; i++) {
      for (float v : churned[i]) {
        assertThat(Float.isFinite(v)).as("finite gradient in parameter %d", i).isTrue();
      }
      assertThat(churned[i]).as("gradient of parameter %d", i).containsExactly(quiet[i]);
    }
  }
}
