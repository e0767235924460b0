package io.graphpaint.model.losses;

import ai.djl.ndarray.NDArray;
import io.graphpaint.model.nn.Managed;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.List;

/**
 * {@code L_MMD}: squared maximum mean discrepancy between two sets of embeddings under a
 * multi-bandwidth Gaussian RBF kernel
 *
 * <pre>
 *   k(x, y) = 1/|S| * sum_{s in S} exp(-|x - y|^2 / (2 s^2))
 * </pre>
 *
 * (Gretton et al., "A Kernel Two-Sample Test", JMLR 2012). The bandwidths {@code S} are either a
 * fixed list or the median heuristic times multipliers: {@code s_med^2 = median_{i != j} |z_i -
 * z_j|^2 / 2} over the pooled set {@code Z = X u Y}, computed without gradient, so that {@code
 * exp(-d^2 / (2 s_med^2)) = exp(-d^2 / median)}.
 *
 * <p>Estimators: {@link Estimator#BIASED} is the V-statistic {@code mean(Kxx) + mean(Kyy) - 2
 * mean(Kxy)}: never negative and exactly zero for identical sets. {@link Estimator#UNBIASED} is
 * Gretton's {@code MMD^2_u} (eq. 3): the within-set means leave out the diagonal; it can be
 * slightly negative when both sets come from one distribution.
 *
 * @param estimator which estimator
 * @param bandwidthMode how {@code values} is read
 * @param values multipliers of the median bandwidth, or the fixed bandwidths {@code s}
 */
public record MmdLoss(Estimator estimator, BandwidthMode bandwidthMode, List<Double> values) {

  /** Which MMD^2 estimator to use. */
  public enum Estimator {
    BIASED,
    UNBIASED
  }

  /** How bandwidths are chosen. */
  public enum BandwidthMode {
    /** {@code values} multiply the median-heuristic bandwidth of each batch. */
    MEDIAN_HEURISTIC,
    /** {@code values} are the bandwidths {@code s} themselves. */
    FIXED
  }

  /** Distances below this count as zero when the median heuristic has nothing to go on. */
  private static final double DEGENERATE_MEDIAN = 1e-12;

  public MmdLoss {
    if (estimator == null) {
      throw new IllegalArgumentException("estimator must be BIASED or UNBIASED, got null");
    }
    if (bandwidthMode == null) {
      throw new IllegalArgumentException("bandwidthMode must be MEDIAN_HEURISTIC or FIXED, got null");
    }
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("values must list at least one bandwidth or multiplier");
    }
    for (Double value : values) {
      if (value == null || !(value > 0) || value.isInfinite()) {
        throw new IllegalArgumentException(
            "values must be finite and > 0 (bandwidths or multipliers), got " + values);
      }
    }
    values = List.copyOf(values);
  }

  /** Biased estimator, median heuristic times {0.5, 1, 2, 4}. */
  public static MmdLoss defaults() {
    return new MmdLoss(Estimator.BIASED, BandwidthMode.MEDIAN_HEURISTIC, List.of(0.5, 1.0, 2.0, 4.0));
  }

  /**
   * @param x (N, D) first set, e.g. graph embeddings
   * @param y (M, D) second set, e.g. CLIP image embeddings
   * @return scalar MMD^2 estimate
   */
  public NDArray compute(NDArray x, NDArray y) {
    Shapes.requireMatrix("x", x);
    Shapes.requireMatrix("y", y);
    if (x.getShape().get(1) != y.getShape().get(1)) {
      throw new IllegalArgumentException(
          "x and y must have the same embedding size, got " + x.getShape() + " and " + y.getShape());
    }
    int n = Math.toIntExact(x.getShape().get(0));
    int m = Math.toIntExact(y.getShape().get(0));
    int minimum = estimator == Estimator.UNBIASED ? 2 : 1;
    if (n < minimum || m < minimum) {
      throw new IllegalArgumentException(
          estimator + " MMD needs at least " + minimum + " rows in each set, got " + n + " and " + m);
    }
    NDArray pooled = NDArrays.concat(new ai.djl.ndarray.NDList(x, y), 0); // (N+M, D)
    NDArray squaredDistances = pairwiseSquaredDistances(pooled); // (N+M, N+M)
    double[] bandwidths = bandwidths(squaredDistances, n + m);
    NDArray kernel = null;
    for (double bandwidth : bandwidths) {
      NDArray term =
          squaredDistances.mul(Managed.scalar(squaredDistances, (float) (-1.0 / (2.0 * bandwidth * bandwidth)))).exp();
      kernel = kernel == null ? term : kernel.add(term);
    }
    kernel = kernel.mul(Managed.scalar(kernel, 1f / bandwidths.length));
    NDArray kxx = kernel.get(new NDIndex(":{}, :{}", n, n));
    NDArray kyy = kernel.get(new NDIndex("{}:, {}:", n, n));
    NDArray kxy = kernel.get(new NDIndex(":{}, {}:", n, n));
    NDArray cross = kxy.mean().mul(Managed.scalar(kxy, 2f));
    if (estimator == Estimator.BIASED) {
      return kxx.mean().add(kyy.mean()).sub(cross);
    }
    return offDiagonalMean(kxx, n).add(offDiagonalMean(kyy, m)).sub(cross);
  }

  /** The bandwidths {@code s} for this batch. */
  double[] bandwidths(NDArray squaredDistances, int count) {
    double[] result = values.stream().mapToDouble(Double::doubleValue).toArray();
    if (bandwidthMode == BandwidthMode.FIXED) {
      return result;
    }
    double median = offDiagonalMedian(squaredDistances.toFloatArray(), count);
    double medianBandwidth = Math.sqrt((median > DEGENERATE_MEDIAN ? median : 1.0) / 2.0);
    for (int i = 0; i < result.length; i++) {
      result[i] *= medianBandwidth;
    }
    return result;
  }

  /** (N, D) -> (N, N) of |z_i - z_j|^2, clamped at 0 against rounding. */
  static NDArray pairwiseSquaredDistances(NDArray z) {
    NDArray squaredNorms = z.square().sum(new int[] {1}, true); // (N, 1)
    NDArray gram = z.matMul(z.transpose()); // (N, N)
    return squaredNorms
        .add(squaredNorms.transpose())
        .sub(gram.mul(Managed.scalar(z, 2f)))
        .maximum(Managed.scalar(z, 0f));
  }

  private static NDArray offDiagonalMean(NDArray square, int size) {
    NDManager manager = square.getManager();
    NDArray offDiagonal = manager.eye(size).neg().add(1f); // (size, size), 0 on the diagonal
    return square.mul(offDiagonal).sum().mul(Managed.scalar(square, 1f / ((float) size * (size - 1))));
  }

  private static double offDiagonalMedian(float[] squareRowMajor, int size) {
    if (size < 2) {
      return 0;
    }
    double[] offDiagonal = new double[size * (size - 1) / 2];
    int next = 0;
    for (int i = 0; i < size; i++) {
      for (int j = i + 1; j < size; j++) {
        offDiagonal[next++] = squareRowMajor[i * size + j];
      }
    }
    Arrays.sort(offDiagonal);
    int half = offDiagonal.length / 2;
    return offDiagonal.length % 2 == 1
        ? offDiagonal[half]
        : (offDiagonal[half - 1] + offDiagonal[half]) / 2.0;
  }
}
