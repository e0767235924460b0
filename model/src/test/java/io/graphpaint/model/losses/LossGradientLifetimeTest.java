package io.graphpaint.model.losses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The losses' gradients must not depend on Java memory reused between forward and backward: no
 * scalar operand the engine frees early may stay in the autograd graph.
 */
class LossGradientLifetimeTest {

  private static float[][] gradients(boolean churn) {
    Engine.getInstance().setRandomSeed(8);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray graph = manager.randomNormal(new Shape(6, 5));
      NDArray clip = manager.randomNormal(new Shape(6, 5));
      NDArray logits = manager.randomNormal(new Shape(6, 1));
      NDArray predicted = manager.randomNormal(new Shape(2, 3, 2, 2));
      NDArray noise = manager.randomNormal(new Shape(2, 3, 2, 2));
      for (NDArray input : List.of(graph, logits, predicted)) {
        input.setRequiresGradient(true);
      }
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        FineTuningLoss fineTuning = FineTuningLoss.defaults();
        NDArray loss = fineTuning.compute(predicted, noise, graph, clip).total()
            .add(GanLoss.generatorLoss(logits).mul(manager.create(0.1f)))
            .add(GanLoss.discriminatorLoss(logits, logits))
            .add(new AlignmentLoss(0.5, ClipEmbeddingLoss.Kind.MSE,
                new MmdLoss(MmdLoss.Estimator.UNBIASED, MmdLoss.BandwidthMode.FIXED, List.of(1.0, 2.0))).compute(graph, clip).total());
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
      return new float[][] {
        graph.getGradient().toFloatArray(), logits.getGradient().toFloatArray(), predicted.getGradient().toFloatArray()
      };
    }
  }

  @Test
  void gradientsSurviveMemoryChurnBetweenForwardAndBackward() {
    float[][] quiet = gradients(false);
    float[][] churned = gradients(true);
    for (int i = 0; i < quiet.length; i++) {
      for (float value : churned[i]) {
        assertThat(Float.isFinite(value)).as("finite gradient of input %d", i).isTrue();
      }
      assertThat(churned[i]).as("gradient of input %d", i).containsExactly(quiet[i]);
      assertThat(quiet[i]).as("input %d gets a gradient", i).isNotEqualTo(new float[quiet[i].length]);
    }
  }
}
