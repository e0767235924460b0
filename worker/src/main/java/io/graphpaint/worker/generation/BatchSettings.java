package io.graphpaint.worker.generation;

import java.util.Objects;

/**
 * The settings that must agree for requests to sample as one batch.
 *
 * @param modelVersion the model version that runs the batch
 * @param steps DDIM steps
 * @param guidanceScale classifier-free guidance w (1 = none)
 * @param size image side in pixels (the model's resolution)
 */
public record BatchSettings(String modelVersion, int steps, float guidanceScale, int size) {

  public BatchSettings {
    Objects.requireNonNull(modelVersion, "modelVersion");
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    if (!(guidanceScale >= 0) || Float.isInfinite(guidanceScale)) {
      throw new IllegalArgumentException("guidanceScale must be finite and >= 0, got " + guidanceScale);
    }
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + size);
    }
  }
}
