package io.graphpaint.model.checkpoint;

/**
 * Sampling settings a model ships with; requests may override them.
 *
 * @param steps DDIM steps, in [1, 1000]
 * @param guidanceScale classifier-free guidance w (1 = no guidance), in [0, 30]
 * @param eta DDIM eta (0 = deterministic DDIM), in [0, 1]
 */
public record SamplingDefaults(int steps, double guidanceScale, float eta) {

  public SamplingDefaults {
    if (steps < 1 || steps > 1000) {
      throw new IllegalArgumentException("steps must be within [1, 1000], got " + steps);
    }
    if (!(guidanceScale >= 0 && guidanceScale <= 30)) {
      throw new IllegalArgumentException("guidanceScale must be within [0, 30], got " + guidanceScale);
    }
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("eta must be within [0, 1], got " + eta);
    }
  }

  /**
   * 50 DDIM steps, guidance 1.5: short CPU training makes strong guidance collapse colours, so the
   * default stays low until a sweep on the benchmark says otherwise.
   */
  public static SamplingDefaults defaults() {
    return new SamplingDefaults(50, 1.5, 0f);
  }

  /**
   * {@code guidanceScale}, if within [0, 30]; else the error names it as {@code option} (the
   * command-line or configuration name the value came from).
   */
  public static double requireGuidanceScale(String option, double guidanceScale) {
    if (!(guidanceScale >= 0 && guidanceScale <= 30)) {
      throw new IllegalArgumentException(option + " must be within [0, 30] (1 = no guidance), got " + guidanceScale);
    }
    return guidanceScale;
  }

  /** These settings with another guidance scale (checked like the constructor's). */
  public SamplingDefaults withGuidanceScale(double newGuidanceScale) {
    return new SamplingDefaults(steps, newGuidanceScale, eta);
  }
}
