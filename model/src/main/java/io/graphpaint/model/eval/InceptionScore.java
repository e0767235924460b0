package io.graphpaint.model.eval;

/**
 * Inception score from class probabilities p(y|x) of each image (Inception's, or CLIP zero-shot
 * label probabilities): {@code IS = exp(E_x KL(p(y|x) || p(y)))} with {@code p(y)} the mean over
 * the images of a split; the result is averaged over {@code splits} equal parts, as in Salimans
 * et al.
 */
public final class InceptionScore {

  /** Mean and standard deviation over the splits. */
  public record Result(double mean, double std) {}

  private InceptionScore() {}

  public static double of(double[][] probabilities) {
    return of(probabilities, 1).mean();
  }

  public static Result of(double[][] probabilities, int splits) {
    int n = probabilities.length;
    if (splits < 1 || splits > n) {
      throw new IllegalArgumentException("splits must be within [1, " + n + "] (number of images), got " + splits);
    }
    int classes = probabilities[0].length;
    for (int i = 0; i < n; i++) {
      double[] p = probabilities[i];
      if (p.length != classes) {
        throw new IllegalArgumentException("image " + i + " has " + p.length + " class probabilities, expected " + classes);
      }
      double sum = 0;
      for (double v : p) {
        if (!(v >= 0)) {
          throw new IllegalArgumentException("image " + i + " has a negative or NaN probability " + v);
        }
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-4) {
        throw new IllegalArgumentException("probabilities of image " + i + " sum to " + sum + ", not 1");
      }
    }
    double[] scores = new double[splits];
    for (int s = 0; s < splits; s++) {
      int from = s * n / splits;
      int to = (s + 1) * n / splits;
      double[] marginal = new double[classes];
      for (int i = from; i < to; i++) {
        for (int c = 0; c < classes; c++) {
          marginal[c] += probabilities[i][c] / (to - from);
        }
      }
      double kl = 0;
      for (int i = from; i < to; i++) {
        for (int c = 0; c < classes; c++) {
          double p = probabilities[i][c];
          if (p > 0) {
            kl += p * (Math.log(p) - Math.log(marginal[c]));
          }
        }
      }
      scores[s] = Math.exp(kl / (to - from));
    }
    double mean = 0;
    for (double v : scores) {
      mean += v / splits;
    }
    double var = 0;
    for (double v : scores) {
      var += (v - mean) * (v - mean) / splits;
    }
    return new Result(mean, Math.sqrt(var));
  }
}
