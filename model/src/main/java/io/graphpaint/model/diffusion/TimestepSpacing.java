package io.graphpaint.model.diffusion;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the inference timesteps are picked from the training timesteps (diffusers'
 * {@code timestep_spacing}; table 2 of Lin et al. 2023, "Common Diffusion Noise Schedules and
 * Sample Steps are Flawed").
 */
public enum TimestepSpacing {
  /** {@code (arange(n) * (T / n)) [reversed] + steps_offset}: never visits t = T - 1. */
  LEADING("leading"),
  /** {@code round(arange(T, 0, -T / n)) - 1}: starts at t = T - 1, the fully noised end. */
  TRAILING("trailing"),
  /** {@code round(linspace(0, T - 1, n)) [reversed]}. */
  LINSPACE("linspace");

  private final String diffusersName;

  TimestepSpacing(String diffusersName) {
    this.diffusersName = diffusersName;
  }

  /** The {@code timestep_spacing} value diffusers uses. */
  public String diffusersName() {
    return diffusersName;
  }

  /** Parses a diffusers {@code timestep_spacing} name (case-insensitive). */
  public static TimestepSpacing fromDiffusersName(String name) {
    for (TimestepSpacing spacing : values()) {
      if (spacing.diffusersName.equals(name.toLowerCase(Locale.ROOT))) {
        return spacing;
      }
    }
    throw new IllegalArgumentException(
        "Unknown timestep_spacing '"
            + name
            + "'; allowed: "
            + Arrays.stream(values()).map(TimestepSpacing::diffusersName).toList());
  }
}
