package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Collection;

/**
 * Refuses optimizer updates with non-finite gradients. A single NaN or infinite gradient turns
 * every weight into NaN within a few Adam updates, and gradient clipping does not help
 * ({@code min(1, c / NaN)} is NaN), so a training step checks its gradients before the update and,
 * if any is not finite, zeroes them all, skips the update and counts the skip.
 */
public final class GradientGuard {

  private long checkedSteps;
  private long skippedSteps;

  /**
   * Whether every gradient of {@code parameters} is finite; if not, zeroes all their gradients and
   * counts a skipped step.
   *
   * @param parameters parameter arrays that require gradients
   * @return true if the caller may apply the update
   */
  public boolean allowUpdate(Collection<NDArray> parameters) {
    checkedSteps++;
    if (allFinite(parameters)) {
      return true;
    }
    zeroGradients(parameters);
    skippedSteps++;
    return false;
  }

  /**
   * Refuses the step outright (e.g. the loss itself was not finite): zeroes the gradients and
   * counts a skipped step.
   *
   * @return false, always
   */
  public boolean refuse(Collection<NDArray> parameters) {
    checkedSteps++;
    zeroGradients(parameters);
    skippedSteps++;
    return false;
  }

  /** Steps checked so far. */
  public long checkedSteps() {
    return checkedSteps;
  }

  /** Steps refused because a gradient was NaN or infinite. */
  public long skippedSteps() {
    return skippedSteps;
  }

  /**
   * Whether all gradients are finite. A sum over a gradient is finite exactly when its elements
   * are (barring overflow of huge finite values, which also deserves a skip).
   */
  public static boolean allFinite(Collection<NDArray> parameters) {
    for (NDArray parameter : parameters) {
      if (!parameter.hasGradient()) {
        continue;
      }
      try (NDArray gradient = parameter.getGradient();
          NDArray sum = gradient.sum()) {
        if (!Float.isFinite(sum.getFloat())) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Sets every gradient to 0 in place (multiplying by 0 would keep NaN). The zero is passed as an
   * array from a scratch scope: {@code set(index, Number)} would leave one scalar array per call
   * in the parameter's manager.
   */
  public static void zeroGradients(Collection<NDArray> parameters) {
    NDIndex everything = new NDIndex("...");
    for (NDArray parameter : parameters) {
      if (!parameter.hasGradient()) {
        continue;
      }
      try (NDManager scratch = parameter.getManager().newSubManager();
          NDArray gradient = parameter.getGradient();
          NDArray zero = scratch.create(0f)) {
        gradient.set(everything, zero);
      }
    }
  }

  /**
   * The global L2 norm of all gradients, sqrt(sum of squares), in double.
   */
  public static double globalNorm(Collection<NDArray> parameters) {
    double total = 0;
    for (NDArray parameter : parameters) {
      if (!parameter.hasGradient()) {
        continue;
      }
      try (NDArray gradient = parameter.getGradient();
          NDArray squared = gradient.square();
          NDArray sum = squared.sum()) {
        total += sum.getFloat();
      }
    }
    return Math.sqrt(total);
  }

  /**
   * Scales all gradients so that their global norm is at most {@code maxNorm} (in place); returns
   * the norm before clipping. Call after {@link #allowUpdate} (a NaN norm would poison every
   * gradient).
   */
  public static double clipGlobalNorm(Collection<NDArray> parameters, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
    }
    double norm = globalNorm(parameters);
    if (norm > maxNorm && Double.isFinite(norm)) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (NDArray parameter : parameters) {
        if (!parameter.hasGradient()) {
          continue;
        }
        try (NDArray gradient = parameter.getGradient()) {
          gradient.muli(scale);
        }
      }
    }
    return norm;
  }
}
