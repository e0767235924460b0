package io.graphpaint.model.diffusion;

import java.util.Arrays;
import java.util.Locale;

/** How the per-step noise variances beta_t are laid out, under diffusers' names. */
public enum BetaSchedule {
  /** DDPM: beta linear from {@code betaStart} to {@code betaEnd}. */
  LINEAR("linear"),
  /** Stable Diffusion: beta linear in square-root space, then squared. */
  SCALED_LINEAR("scaled_linear"),
  /**
   * Improved DDPM's cosine schedule: {@code alpha_bar(t) = cos^2(((t/T) + 0.008) / 1.008 * pi/2)},
   * beta capped at 0.999; {@code betaStart} and {@code betaEnd} are ignored.
   */
  SQUAREDCOS_CAP_V2("squaredcos_cap_v2");

  private final String diffusersName;

  BetaSchedule(String diffusersName) {
    this.diffusersName = diffusersName;
  }

  /** The {@code beta_schedule} value diffusers uses for this schedule. */
  public String diffusersName() {
    return diffusersName;
  }

  /** Parses a diffusers {@code beta_schedule} name (case-insensitive). */
  public static BetaSchedule fromDiffusersName(String name) {
    for (BetaSchedule schedule : values()) {
      if (schedule.diffusersName.equals(name.toLowerCase(Locale.ROOT))) {
        return schedule;
      }
    }
    throw new IllegalArgumentException(
        "Unknown beta_schedule '"
            + name
            + "'; allowed: "
            + Arrays.stream(values()).map(BetaSchedule::diffusersName).toList());
  }
}
