package io.graphpaint.model.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddingLossesTest {

  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray rows(float[]... rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    }
    return manager.create(flat, new Shape(rows.length, rows[0].length));
  }

  @Test
  void cosineLossByHand() {
    // rows: orthogonal (1 - 0 = 1), parallel with other length (0), opposite (2), 60 degrees (0.5)
    NDArray graph = rows(new float[] {1, 0}, new float[] {1, 1}, new float[] {1, 0}, new float[] {1, 0});
    NDArray clip =
        rows(new float[] {0, 1}, new float[] {2, 2}, new float[] {-3, 0}, new float[] {0.5f, (float) Math.sqrt(3) / 2});
    float loss = ClipEmbeddingLoss.compute(ClipEmbeddingLoss.Kind.COSINE, graph, clip).getFloat();
    assertThat(loss).isCloseTo((1f + 0f + 2f + 0.5f) / 4f, within(1e-6f));
  }

  @Test
  void mseLossByHand() {
    NDArray graph = rows(new float[] {1, 2}, new float[] {0, 0});
    NDArray clip = rows(new float[] {1, 0}, new float[] {3, -1});
    // squared errors 0, 4, 9, 1 -> mean 3.5
    assertThat(ClipEmbeddingLoss.compute(ClipEmbeddingLoss.Kind.MSE, graph, clip).getFloat())
        .isCloseTo(3.5f, within(1e-6f));
    assertThatThrownBy(() -> ClipEmbeddingLoss.compute(ClipEmbeddingLoss.Kind.MSE, graph, rows(new float[] {1, 2})))
        .hasMessageContaining("must equal clip embeddings shape");
  }

  @Test
  void noiseReconstructionIsMeanSquaredError() {
    NDArray predicted = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
    NDArray added = manager.create(new float[] {0, 2, 5, 4}, new Shape(1, 1, 2, 2));
    assertThat(NoiseReconstructionLoss.compute(predicted, added).getFloat()).isCloseTo(1.25f, within(1e-6f));
  }

  @Test
  void binaryCrossEntropyFromLogitsIsStableAndCorrect() {
    NDArray logits = manager.create(new float[] {0f, 2f, -3f, 200f, -200f});
    double[] expectedOnes = new double[5];
    float[] values = {0f, 2f, -3f, 200f, -200f};
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      // -log(sigmoid(x)) = log(1 + exp(-x)), written to avoid overflow
      double x = values[i];
      expectedOnes[i] = x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
      sum += expectedOnes[i];
    }
    assertThat((double) GanLoss.binaryCrossEntropyWithLogits(logits, 1f).getFloat())
        .isCloseTo(sum / 5, within(1e-4));
    assertThat(GanLoss.binaryCrossEntropyWithLogits(manager.zeros(new Shape(3)), 0f).getFloat())
        .isCloseTo((float) Math.log(2), within(1e-6f));
    // generator and discriminator objectives at D = 0.5 everywhere
    NDArray zero = manager.zeros(new Shape(4, 1));
    assertThat(GanLoss.discriminatorLoss(zero, zero).getFloat()).isCloseTo((float) Math.log(2), within(1e-6f));
    assertThat(GanLoss.generatorLoss(zero).getFloat()).isCloseTo((float) Math.log(2), within(1e-6f));
  }

  @Test
  void alignmentAndFineTuningCombineTheirTerms() {
    NDArray graph = rows(new float[] {1, 0, 0}, new float[] {0, 1, 0}, new float[] {0, 0, 1});
    NDArray clip = rows(new float[] {0, 1, 0}, new float[] {0, 1, 1}, new float[] {2, 0, 1});
    AlignmentLoss alignment = new AlignmentLoss(0.25, ClipEmbeddingLoss.Kind.COSINE,
        new MmdLoss(MmdLoss.Estimator.BIASED, MmdLoss.BandwidthMode.FIXED, List.of(1.0)));
    AlignmentLoss.Terms terms = alignment.compute(graph, clip);
    float clipTerm = terms.clip().getFloat();
    float mmdTerm = terms.mmd().getFloat();
    assertThat(terms.total().getFloat()).isCloseTo(0.25f * clipTerm + 0.75f * mmdTerm, within(1e-6f));

    NDArray predicted = manager.ones(new Shape(2, 1, 2, 2));
    NDArray noise = manager.zeros(new Shape(2, 1, 2, 2));
    FineTuningLoss.Terms fine = new FineTuningLoss(0.7, alignment).compute(predicted, noise, graph, clip);
    assertThat(fine.reconstruction().getFloat()).isCloseTo(1f, within(1e-6f));
    assertThat(fine.total().getFloat())
        .isCloseTo(0.7f * 1f + 0.3f * terms.total().getFloat(), within(1e-6f));
    assertThat(FineTuningLoss.defaults().lambda()).isEqualTo(0.7);
    assertThat(AlignmentLoss.defaults().beta()).isEqualTo(2.0 / 3.0);
    assertThatThrownBy(() -> new FineTuningLoss(1.5, alignment)).hasMessageContaining("lambda must be within [0, 1]");
    assertThatThrownBy(() -> new AlignmentLoss(-0.1, ClipEmbeddingLoss.Kind.MSE, MmdLoss.defaults()))
        .hasMessageContaining("beta must be within [0, 1]");
  }
}
