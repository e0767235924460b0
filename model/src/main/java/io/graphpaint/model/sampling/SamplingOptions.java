package io.graphpaint.model.sampling;

import io.graphpaint.model.checkpoint.SamplingDefaults;
import io.graphpaint.model.fusion.PromptKind;

/**
 * How to sample.
 *
 * @param steps DDIM steps, in [1, 1000]
 * @param guidanceScale classifier-free guidance w, in [0, 30]; 1 runs the conditional model alone
 * @param eta DDIM eta in [0, 1]; 0 is deterministic DDIM (noise for eta > 0 comes from the seed)
 * @param maxBatch images per UNet batch, in [1, 64]
 * @param prompt which text of the graph the text tower reads: its labels (graph-conditioned
 *     models) or its flattened caption (the caption-conditioned model of stage 0b)
 */
public record SamplingOptions(int steps, double guidanceScale, float eta, int maxBatch, PromptKind prompt) {

  public SamplingOptions {
    new SamplingDefaults(steps, guidanceScale, eta); // same ranges, same messages
    if (maxBatch < 1 || maxBatch > 64) {
      throw new IllegalArgumentException("maxBatch must be within [1, 64], got " + maxBatch);
    }
    if (prompt == null) {
      throw new IllegalArgumentException("prompt must be LABELS or CAPTION");
    }
  }

  /** Label prompts. */
  public SamplingOptions(int steps, double guidanceScale, float eta, int maxBatch) {
    this(steps, guidanceScale, eta, maxBatch, PromptKind.LABELS);
  }

  public static SamplingOptions of(SamplingDefaults defaults) {
    return new SamplingOptions(defaults.steps(), defaults.guidanceScale(), defaults.eta(), 8);
  }

  public SamplingOptions withSteps(int newSteps) {
    return new SamplingOptions(newSteps, guidanceScale, eta, maxBatch, prompt);
  }

  public SamplingOptions withGuidanceScale(double scale) {
    return new SamplingOptions(steps, scale, eta, maxBatch, prompt);
  }

  public SamplingOptions withMaxBatch(int size) {
    return new SamplingOptions(steps, guidanceScale, eta, size, prompt);
  }

  public SamplingOptions withPrompt(PromptKind kind) {
    return new SamplingOptions(steps, guidanceScale, eta, maxBatch, kind);
  }
}
