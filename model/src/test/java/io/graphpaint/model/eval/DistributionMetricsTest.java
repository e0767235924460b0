package io.graphpaint.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DistributionMetricsTest {

  @Test
  void fidOfASetWithItselfIsZero() {
    float[][] features = sample(new Random(3), 500, new double[] {1, -2, 0.5, 4}, new double[] {1, 2, 0.3, 1.5});
    assertThat(FrechetDistance.between(features, features)).isCloseTo(0, within(1e-8));
  }

  @Test
  void fidOfDiagonalGaussiansMatchesTheClosedForm() {
    // d^2 = |mu1 - mu2|^2 + sum_i (sigma1_i - sigma2_i)^2 when both covariances are diagonal.
    double[] mu1 = {1, 2, 3};
    double[] mu2 = {0, 0, 1};
    double[] sd1 = {1, 2, 3};
    double[] sd2 = {2, 1, 0.5};
    double expected = (1 + 4 + 4) + (1 + 1 + 6.25);
    FrechetDistance.Gaussian a = new FrechetDistance.Gaussian(mu1, diag(sd1));
    FrechetDistance.Gaussian b = new FrechetDistance.Gaussian(mu2, diag(sd2));
    assertThat(FrechetDistance.between(a, b)).isCloseTo(expected, within(1e-10));
    // From samples the estimate converges to the same value.
    Random random = new Random(11);
    double sampled = FrechetDistance.between(sample(random, 40_000, mu1, sd1), sample(random, 40_000, mu2, sd2));
    assertThat(sampled).isCloseTo(expected, within(0.03 * expected));
  }

  @Test
  void fidOfNonCommutingCovariancesMatchesScipysSqrtm() {
    // Golden value from numpy/scipy: |m1-m2|^2 + tr S1 + tr S2 - 2 tr sqrtm(S1 @ S2).
    double[][] s1 = {{2, 1, 0}, {1, 2, 0.5}, {0, 0.5, 1}};
    double[][] s2 = {{1, 0.3, 0}, {0.3, 3, 0}, {0, 0, 0.5}};
    double d = FrechetDistance.between(
        new FrechetDistance.Gaussian(new double[] {0, 1, 2}, s1),
        new FrechetDistance.Gaussian(new double[] {1, 1, 0}, s2));
    assertThat(d).isCloseTo(5.555228643588892, within(1e-9));
    // and it is symmetric
    double reverse = FrechetDistance.between(
        new FrechetDistance.Gaussian(new double[] {1, 1, 0}, s2),
        new FrechetDistance.Gaussian(new double[] {0, 1, 2}, s1));
    assertThat(reverse).isCloseTo(d, within(1e-9));
  }

  @Test
  void fidRejectsMismatchedDimensions() {
    assertThatThrownBy(() -> FrechetDistance.between(new float[][] {{1, 2}, {3, 4}}, new float[][] {{1}, {2}}))
        .hasMessageContaining("dimensions differ");
    assertThatThrownBy(() -> FrechetDistance.between(new float[][] {{1, 2}}, new float[][] {{1, 2}, {3, 4}}))
        .hasMessageContaining("at least 2");
  }

  @Test
  void inceptionScoreMatchesHandComputedCases() {
    assertThat(InceptionScore.of(new double[][] {{1, 0}, {0, 1}})).isCloseTo(2, within(1e-12));
    assertThat(InceptionScore.of(new double[][] {{0.5, 0.5}, {0.5, 0.5}})).isCloseTo(1, within(1e-12));
    // p(y) = (1/3, 1/3, 1/3); KL_i = sum_c p_ic ln(3 p_ic); IS = exp(mean KL) = 1.2401934180983267
    double[][] p = {{0.7, 0.2, 0.1}, {0.1, 0.6, 0.3}, {0.2, 0.2, 0.6}};
    double kl1 = 0.7 * Math.log(2.1) + 0.2 * Math.log(0.6) + 0.1 * Math.log(0.3);
    double kl2 = 0.1 * Math.log(0.3) + 0.6 * Math.log(1.8) + 0.3 * Math.log(0.9);
    double kl3 = 0.2 * Math.log(0.6) + 0.2 * Math.log(0.6) + 0.6 * Math.log(1.8);
    assertThat(InceptionScore.of(p)).isCloseTo(Math.exp((kl1 + kl2 + kl3) / 3), within(1e-12))
        .isCloseTo(1.2401934180983267, within(1e-12));
    // two splits of two confident images each: each split scores 2, spread 0
    InceptionScore.Result split = InceptionScore.of(new double[][] {{1, 0}, {0, 1}, {1, 0}, {0, 1}}, 2);
    assertThat(split.mean()).isCloseTo(2, within(1e-12));
    assertThat(split.std()).isCloseTo(0, within(1e-12));
    assertThatThrownBy(() -> InceptionScore.of(new double[][] {{0.5, 0.6}}))
        .hasMessageContaining("sum to");
  }

  @Test
  void diversityIsTheMeanPairwiseDistanceWithinGraphs() {
    List<float[]> a = List.of(new float[] {0, 0}, new float[] {3, 4}, new float[] {0, 4}); // 5, 3, 4
    List<float[]> b = List.of(new float[] {1, 1}, new float[] {1, 2}); // 1
    List<float[]> single = List.of(new float[] {9, 9});
    assertThat(DiversityScore.of(List.of(a, b, single))).isCloseTo(2.5, within(1e-12));
    assertThatThrownBy(() -> DiversityScore.of(List.of(single))).hasMessageContaining("two or more");
  }

  private static double[][] diag(double[] sd) {
    double[][] m = new double[sd.length][sd.length];
    for (int i = 0; i < sd.length; i++) {
      m[i][i] = sd[i] * sd[i];
    }
    return m;
  }

  private static float[][] sample(Random random, int n, double[] mean, double[] sd) {
    float[][] out = new float[n][mean.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < mean.length; j++) {
        out[i][j] = (float) (mean[j] + sd[j] * random.nextGaussian());
      }
    }
    return out;
  }
}
