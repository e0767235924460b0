package io.graphpaint.model.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Fréchet distance between two sets of feature vectors, each summarised by a Gaussian (FID when
 * the features are Inception's, CLIP-FID with CLIP image embeddings):
 * {@code d^2 = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^{1/2})}.
 *
 * <p>{@code Tr((S1 S2)^{1/2})} is computed as {@code Tr((S1^{1/2} S2 S1^{1/2})^{1/2})}, the
 * square roots of symmetric positive semi-definite matrices taken with EJML's symmetric
 * eigendecomposition (negative round-off eigenvalues clipped to 0), which avoids the complex
 * values a general matrix square root of {@code S1 S2} produces.
 */
public final class FrechetDistance {

  /** Mean and covariance of a feature set. */
  public record Gaussian(double[] mean, double[][] covariance) {
    public Gaussian {
      if (mean.length != covariance.length) {
        throw new IllegalArgumentException("mean has " + mean.length + " dimensions but covariance " + covariance.length);
      }
      for (double[] row : covariance) {
        if (row.length != mean.length) {
          throw new IllegalArgumentException("covariance must be " + mean.length + " x " + mean.length);
        }
      }
    }

    /** Sample mean and unbiased covariance (divided by n - 1, as numpy's cov) of rows of {@code features}. */
    public static Gaussian of(float[][] features) {
      if (features.length < 2) {
        throw new IllegalArgumentException("need at least 2 feature vectors, got " + features.length);
      }
      int d = features[0].length;
      double[] mean = new double[d];
      for (float[] f : features) {
        if (f.length != d) {
          throw new IllegalArgumentException("feature vectors must all have " + d + " dimensions, got " + f.length);
        }
        for (int i = 0; i < d; i++) {
          mean[i] += f[i];
        }
      }
      for (int i = 0; i < d; i++) {
        mean[i] /= features.length;
      }
      double[][] cov = new double[d][d];
      double[] centred = new double[d];
      for (float[] f : features) {
        for (int i = 0; i < d; i++) {
          centred[i] = f[i] - mean[i];
        }
        for (int i = 0; i < d; i++) {
          double ci = centred[i];
          for (int j = i; j < d; j++) {
            cov[i][j] += ci * centred[j];
          }
        }
      }
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          cov[i][j] /= features.length - 1;
          cov[j][i] = cov[i][j];
        }
      }
      return new Gaussian(mean, cov);
    }
  }

  private FrechetDistance() {}

  /** Squared Fréchet distance between the Gaussians fitted to two feature sets. */
  public static double between(float[][] a, float[][] b) {
    return between(Gaussian.of(a), Gaussian.of(b));
  }

  /** Squared Fréchet distance between two Gaussians. */
  public static double between(Gaussian a, Gaussian b) {
    int d = a.mean().length;
    if (b.mean().length != d) {
      throw new IllegalArgumentException("feature dimensions differ: " + d + " vs " + b.mean().length);
    }
    double meanTerm = 0;
    for (int i = 0; i < d; i++) {
      double diff = a.mean()[i] - b.mean()[i];
      meanTerm += diff * diff;
    }
    DMatrixRMaj s1 = new DMatrixRMaj(a.covariance());
    DMatrixRMaj s2 = new DMatrixRMaj(b.covariance());
    DMatrixRMaj root1 = symmetricSqrt(s1);
    DMatrixRMaj tmp = new DMatrixRMaj(d, d);
    DMatrixRMaj inner = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(root1, s2, tmp);
    CommonOps_DDRM.mult(tmp, root1, inner);
    double traceSqrt = 0;
    for (double eigenvalue : symmetricEigenvalues(inner)) {
      traceSqrt += Math.sqrt(Math.max(eigenvalue, 0));
    }
    double value = meanTerm + CommonOps_DDRM.trace(s1) + CommonOps_DDRM.trace(s2) - 2 * traceSqrt;
    return Math.max(value, 0);
  }

  /** {@code A^{1/2}} of a symmetric positive semi-definite matrix. */
  static DMatrixRMaj symmetricSqrt(DMatrixRMaj a) {
    int d = a.numRows;
    DMatrixRMaj sym = symmetrised(a);
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(sym)) {
      throw new IllegalStateException("eigendecomposition of a " + d + "x" + d + " covariance failed");
    }
    DMatrixRMaj result = new DMatrixRMaj(d, d);
    for (int k = 0; k < d; k++) {
      double lambda = Math.sqrt(Math.max(eig.getEigenvalue(k).getReal(), 0));
      DMatrixRMaj v = eig.getEigenVector(k);
      for (int i = 0; i < d; i++) {
        double vi = v.get(i) * lambda;
        for (int j = 0; j < d; j++) {
          result.add(i, j, vi * v.get(j));
        }
      }
    }
    return result;
  }

  static double[] symmetricEigenvalues(DMatrixRMaj a) {
    int d = a.numRows;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
    if (!eig.decompose(symmetrised(a))) {
      throw new IllegalStateException("eigendecomposition of a " + d + "x" + d + " matrix failed");
    }
    double[] values = new double[d];
    for (int k = 0; k < d; k++) {
      values[k] = eig.getEigenvalue(k).getReal();
    }
    return values;
  }

  private static DMatrixRMaj symmetrised(DMatrixRMaj a) {
    DMatrixRMaj t = new DMatrixRMaj(a.numCols, a.numRows);
    CommonOps_DDRM.transpose(a, t);
    DMatrixRMaj sym = new DMatrixRMaj(a.numRows, a.numCols);
    CommonOps_DDRM.add(0.5, a, 0.5, t, sym);
    return sym;
  }
}
