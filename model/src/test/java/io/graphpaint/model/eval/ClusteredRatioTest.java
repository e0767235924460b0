package io.graphpaint.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.graphpaint.model.eval.ClusteredRatio.Tally;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusteredRatioTest {

  @Test
  void aSmallCaseByHand() {
    // R = 3/6; terms (h - R n) / N = 0, 1/6, -1/6; var = 3/2 * 2/36 = 1/12
    ClusteredRatio.Estimate e = ClusteredRatio.of(List.of(new Tally(1, 2), new Tally(2, 2), new Tally(0, 2)));
    assertThat(e.value()).isEqualTo(0.5);
    assertThat(e.standardError()).isCloseTo(Math.sqrt(1 / 12.0), within(1e-12));
    assertThat(e.graphs()).isEqualTo(3);
  }

  @Test
  void oneItemPerGraphIsTheBinomialError() {
    List<Tally> tallies = new ArrayList<>();
    for (int g = 0; g < 40; g++) {
      tallies.add(new Tally(g % 4 == 0 ? 1 : 0, 1)); // p = 1/4
    }
    ClusteredRatio.Estimate e = ClusteredRatio.of(tallies);
    assertThat(e.value()).isEqualTo(0.25);
    assertThat(e.standardError()).isCloseTo(Math.sqrt(0.25 * 0.75 / 39), within(1e-12));
  }

  /** Graphs that are all-or-nothing: the error is that of G draws, not of the G * n items a binomial would assume. */
  @Test
  void itemsOfOneGraphAreNotCountedAsIndependent() {
    List<Tally> tallies = new ArrayList<>();
    for (int g = 0; g < 40; g++) {
      tallies.add(new Tally(g % 2 == 0 ? 8 : 0, 8));
    }
    double binomial = Math.sqrt(0.5 * 0.5 / (40 * 8));
    assertThat(ClusteredRatio.of(tallies).standardError()).isCloseTo(Math.sqrt(0.25 / 39), within(1e-12))
        .isGreaterThan(2.5 * binomial);
  }

  @Test
  void agreesWithTheBootstrapOverGraphs() {
    Random random = new Random(11);
    List<Tally> tallies = new ArrayList<>();
    for (int g = 0; g < 200; g++) {
      int n = 1 + random.nextInt(8);
      double p = random.nextDouble(); // graphs differ in difficulty
      int h = 0;
      for (int i = 0; i < n; i++) {
        h += random.nextDouble() < p ? 1 : 0;
      }
      tallies.add(new Tally(h, n));
    }
    double[] ratios = new double[4000];
    for (int b = 0; b < ratios.length; b++) {
      long hits = 0;
      long total = 0;
      for (int g = 0; g < tallies.size(); g++) {
        Tally t = tallies.get(random.nextInt(tallies.size()));
        hits += t.hits();
        total += t.total();
      }
      ratios[b] = hits / (double) total;
    }
    double mean = java.util.Arrays.stream(ratios).average().orElseThrow();
    double bootstrap = Math.sqrt(java.util.Arrays.stream(ratios).map(r -> (r - mean) * (r - mean)).sum() / (ratios.length - 1));
    assertThat(ClusteredRatio.of(tallies).standardError()).isCloseTo(bootstrap, within(0.1 * bootstrap));
  }

  @Test
  void aPairedDifferenceCancelsWhatTheGraphsShare() {
    List<Tally> a = new ArrayList<>();
    List<Tally> b = new ArrayList<>();
    for (int g = 0; g < 40; g++) {
      boolean easy = g % 2 == 0;
      a.add(new Tally(easy ? 4 : 0, 4));
      b.add(new Tally(easy ? 4 : (g % 4 == 1 ? 1 : 0), 4)); // b finds one more object in every fourth graph
    }
    ClusteredRatio.Estimate same = ClusteredRatio.difference(a, a);
    assertThat(same.value()).isZero();
    assertThat(same.standardError()).isZero();

    ClusteredRatio.Estimate d = ClusteredRatio.difference(b, a);
    assertThat(d.value()).isCloseTo(10 / 160.0, within(1e-12));
    // the paired error from its definition: per graph, b's linearized term minus a's
    double[] terms = new double[40];
    for (int g = 0; g < 40; g++) {
      double termB = (b.get(g).hits() - 90 / 160.0 * 4) / 160;
      double termA = (a.get(g).hits() - 80 / 160.0 * 4) / 160;
      terms[g] = termB - termA;
    }
    double sum = java.util.Arrays.stream(terms).map(t -> t * t).sum();
    assertThat(d.standardError()).isCloseTo(Math.sqrt(40 / 39.0 * sum), within(1e-12));
    // far below the error of either ratio alone, which the easy/hard split dominates
    assertThat(d.standardError()).isLessThan(0.25 * ClusteredRatio.of(a).standardError());
  }

  @Test
  void emptyOrTooSmallSamplesHaveNoError() {
    assertThat(ClusteredRatio.of(List.of(new Tally(1, 2))).standardError()).isNaN();
    assertThat(ClusteredRatio.of(List.of(new Tally(0, 0), new Tally(0, 0))).value()).isZero();
    assertThat(ClusteredRatio.of(List.of(new Tally(0, 0), new Tally(0, 0))).standardError()).isNaN();
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> new Tally(3, 2)).hasMessageContaining("0 <= hits <= total, got 3 of 2");
    assertThatThrownBy(() -> ClusteredRatio.difference(List.of(new Tally(1, 1)), List.of()))
        .hasMessageContaining("same graphs on both sides, got 1 and 0 graphs");
  }
}
