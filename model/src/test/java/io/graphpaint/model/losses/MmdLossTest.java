package io.graphpaint.model.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MmdLossTest {

  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void biasedMedianHeuristicMatchesDoubleLoopReference() {
    double[][] x = gaussian(7, 5, 0.0, 11);
    double[][] y = gaussian(9, 5, 0.7, 12);
    MmdLoss loss = MmdLoss.defaults();
    float actual = loss.compute(array(x), array(y)).getFloat();
    double expected = reference(x, y, MmdLoss.Estimator.BIASED, medianBandwidths(x, y, loss.values()));
    assertThat((double) actual).isCloseTo(expected, within(1e-5 + 1e-4 * Math.abs(expected)));
  }

  @Test
  void unbiasedFixedBandwidthsMatchDoubleLoopReference() {
    double[][] x = gaussian(6, 4, 0.0, 21);
    double[][] y = gaussian(8, 4, 0.3, 22);
    List<Double> sigmas = List.of(0.25, 1.0, 3.0);
    MmdLoss loss = new MmdLoss(MmdLoss.Estimator.UNBIASED, MmdLoss.BandwidthMode.FIXED, sigmas);
    float actual = loss.compute(array(x), array(y)).getFloat();
    double expected =
        reference(x, y, MmdLoss.Estimator.UNBIASED, sigmas.stream().mapToDouble(d -> d).toArray());
    assertThat((double) actual).isCloseTo(expected, within(1e-5 + 1e-4 * Math.abs(expected)));
  }

  @Test
  void identicalSetsGiveZeroAndShiftedSetsGivePositive() {
    double[][] x = gaussian(16, 8, 0.0, 31);
    MmdLoss loss = MmdLoss.defaults();
    assertThat(loss.compute(array(x), array(x)).getFloat()).isCloseTo(0f, within(1e-5f));
    double[][] shifted = gaussian(16, 8, 1.5, 32);
    assertThat(loss.compute(array(x), array(shifted)).getFloat()).isGreaterThan(0.05f);
  }

  @Test
  void unbiasedIsNearZeroForSameDistributionAndLargerWhenShifted() {
    MmdLoss loss =
        new MmdLoss(MmdLoss.Estimator.UNBIASED, MmdLoss.BandwidthMode.MEDIAN_HEURISTIC, List.of(1.0, 2.0));
    float same = loss.compute(array(gaussian(64, 4, 0, 41)), array(gaussian(64, 4, 0, 42))).getFloat();
    float shifted = loss.compute(array(gaussian(64, 4, 0, 41)), array(gaussian(64, 4, 1, 43))).getFloat();
    assertThat(Math.abs(same)).isLessThan(0.02f);
    assertThat(shifted).isGreaterThan(10 * Math.abs(same)).isGreaterThan(0.05f);
  }

  @Test
  void rejectsBadConfigurationAndShapes() {
    assertThatThrownBy(() -> new MmdLoss(MmdLoss.Estimator.BIASED, MmdLoss.BandwidthMode.FIXED, List.of(1.0, -2.0)))
        .hasMessageContaining("values must be finite and > 0");
    assertThatThrownBy(() -> MmdLoss.defaults().compute(manager.ones(new Shape(3, 4)), manager.ones(new Shape(3, 5))))
        .hasMessageContaining("same embedding size");
    MmdLoss unbiased = new MmdLoss(MmdLoss.Estimator.UNBIASED, MmdLoss.BandwidthMode.FIXED, List.of(1.0));
    assertThatThrownBy(() -> unbiased.compute(manager.ones(new Shape(1, 4)), manager.ones(new Shape(3, 4))))
        .hasMessageContaining("at least 2 rows");
  }

  // ---- plain Java reference ----

  static double reference(double[][] x, double[][] y, MmdLoss.Estimator estimator, double[] sigmas) {
    int n = x.length;
    int m = y.length;
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (estimator == MmdLoss.Estimator.BIASED || i != j) {
          xx += kernel(x[i], x[j], sigmas);
        }
      }
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        if (estimator == MmdLoss.Estimator.BIASED || i != j) {
          yy += kernel(y[i], y[j], sigmas);
        }
      }
    }
    for (double[] a : x) {
      for (double[] b : y) {
        xy += kernel(a, b, sigmas);
      }
    }
    if (estimator == MmdLoss.Estimator.BIASED) {
      return xx / (n * n) + yy / (m * m) - 2 * xy / (n * m);
    }
    return xx / (n * (n - 1.0)) + yy / (m * (m - 1.0)) - 2 * xy / (n * m);
  }

  static double kernel(double[] a, double[] b, double[] sigmas) {
    double d2 = squaredDistance(a, b);
    double sum = 0;
    for (double s : sigmas) {
      sum += Math.exp(-d2 / (2 * s * s));
    }
    return sum / sigmas.length;
  }

  static double[] medianBandwidths(double[][] x, double[][] y, List<Double> multipliers) {
    double[][] pooled = new double[x.length + y.length][];
    System.arraycopy(x, 0, pooled, 0, x.length);
    System.arraycopy(y, 0, pooled, x.length, y.length);
    double[] d2 = new double[pooled.length * (pooled.length - 1) / 2];
    int k = 0;
    for (int i = 0; i < pooled.length; i++) {
      for (int j = i + 1; j < pooled.length; j++) {
        d2[k++] = squaredDistance(pooled[i], pooled[j]);
      }
    }
    Arrays.sort(d2);
    double median = d2.length % 2 == 1 ? d2[d2.length / 2] : (d2[d2.length / 2 - 1] + d2[d2.length / 2]) / 2;
    double base = Math.sqrt(median / 2);
    return multipliers.stream().mapToDouble(mult -> mult * base).toArray();
  }

  static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s;
  }

  static double[][] gaussian(int rows, int cols, double mean, long seed) {
    Random random = new Random(seed);
    double[][] out = new double[rows][cols];
    for (double[] row : out) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (mean + random.nextGaussian());
      }
    }
    return out;
  }

  static NDArray array(double[][] values) {
    float[] flat = new float[values.length * values[0].length];
    for (int i = 0; i < values.length; i++) {
      for (int j = 0; j < values[0].length; j++) {
        flat[i * values[0].length + j] = (float) values[i][j];
      }
    }
    return manager.create(flat, new Shape(values.length, values[0].length));
  }
}
