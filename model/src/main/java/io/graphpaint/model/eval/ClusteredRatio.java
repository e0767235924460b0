package io.graphpaint.model.eval;

import java.util.List;

/**
 * A ratio of counts summed over graphs, such as OOR (objects found / graph objects) or relation
 * accuracy (relations held / relations), with its standard error taken over graphs.
 *
 * <p>The objects and relations of one graph, and the samples drawn for it, are not independent
 * draws: a model that fails a graph tends to fail all of it. A binomial error over objects or
 * relations is therefore too small; here the graph is the unit. The error is the linearized
 * (cluster-robust) one for a ratio of sums, {@code R = sum h_g / sum n_g}:
 * {@code var R = G / (G - 1) * sum_g ((h_g - R n_g) / N)^2} with {@code N = sum n_g} over the
 * {@code G} graphs. Two models measured on the same graphs with the same seeds are compared with a
 * paired error: the per-graph terms of the two are subtracted before squaring, so what the graphs
 * share (some are harder than others) cancels.
 */
public final class ClusteredRatio {

  /**
   * One graph's counts.
   *
   * @param hits objects found, or relations held, over the graph's samples
   * @param total objects, or relations, over the graph's samples
   */
  public record Tally(long hits, long total) {
    public Tally {
      if (hits < 0 || total < 0 || hits > total) {
        throw new IllegalArgumentException("a tally needs 0 <= hits <= total, got " + hits + " of " + total);
      }
    }
  }

  /**
   * A ratio, or a difference of two ratios, and its standard error.
   *
   * @param value the ratio of the sums (0 when nothing was counted)
   * @param standardError over graphs; NaN with fewer than two graphs or nothing counted
   * @param graphs graphs it is taken over
   */
  public record Estimate(double value, double standardError, int graphs) {}

  private ClusteredRatio() {}

  /** The ratio of {@code byGraph}'s summed hits to its summed totals, with its error over graphs. */
  public static Estimate of(List<Tally> byGraph) {
    double[] terms = new double[byGraph.size()];
    double value = terms(byGraph, terms);
    return new Estimate(value, standardError(terms, byGraph.stream().anyMatch(t -> t.total() > 0)), byGraph.size());
  }

  /**
   * {@code a}'s ratio minus {@code b}'s, measured on the same graphs in the same order, with the
   * paired error.
   *
   * @throws IllegalArgumentException when the two do not hold the same number of graphs
   */
  public static Estimate difference(List<Tally> a, List<Tally> b) {
    if (a.size() != b.size()) {
      throw new IllegalArgumentException("a paired difference needs the same graphs on both sides, got "
          + a.size() + " and " + b.size() + " graphs");
    }
    double[] termsA = new double[a.size()];
    double[] termsB = new double[b.size()];
    double value = terms(a, termsA) - terms(b, termsB);
    double[] paired = new double[a.size()];
    for (int g = 0; g < paired.length; g++) {
      paired[g] = termsA[g] - termsB[g];
    }
    boolean counted = a.stream().anyMatch(t -> t.total() > 0) && b.stream().anyMatch(t -> t.total() > 0);
    return new Estimate(value, standardError(paired, counted), a.size());
  }

  /** Fills {@code out} with each graph's linearized term {@code (h_g - R n_g) / N}; returns R. */
  private static double terms(List<Tally> byGraph, double[] out) {
    long hits = 0;
    long total = 0;
    for (Tally t : byGraph) {
      hits += t.hits();
      total += t.total();
    }
    if (total == 0) {
      return 0;
    }
    double ratio = hits / (double) total;
    for (int g = 0; g < out.length; g++) {
      Tally t = byGraph.get(g);
      out[g] = (t.hits() - ratio * t.total()) / total;
    }
    return ratio;
  }

  private static double standardError(double[] terms, boolean counted) {
    int graphs = terms.length;
    if (graphs < 2 || !counted) {
      return Double.NaN;
    }
    double sum = 0;
    for (double term : terms) {
      sum += term * term;
    }
    return Math.sqrt(graphs / (graphs - 1.0) * sum);
  }
}
