package io.graphpaint.model.eval;

import java.util.Collection;
import java.util.List;

/**
 * Diversity score (DS): the mean pairwise distance between the features of images generated
 * from the same graph (the paper uses LPIPS; here any feature space, Euclidean distance),
 * averaged over the graphs that have at least two images.
 */
public final class DiversityScore {

  private DiversityScore() {}

  /** {@code groups}: per graph, the feature vectors of its images. */
  public static double of(Collection<List<float[]>> groups) {
    double total = 0;
    int counted = 0;
    for (List<float[]> group : groups) {
      if (group.size() < 2) {
        continue;
      }
      double sum = 0;
      int pairs = 0;
      for (int i = 0; i < group.size(); i++) {
        for (int j = i + 1; j < group.size(); j++) {
          sum += distance(group.get(i), group.get(j));
          pairs++;
        }
      }
      total += sum / pairs;
      counted++;
    }
    if (counted == 0) {
      throw new IllegalArgumentException("diversity needs at least one graph with two or more images");
    }
    return total / counted;
  }

  static double distance(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("feature dimensions differ: " + a.length + " vs " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
