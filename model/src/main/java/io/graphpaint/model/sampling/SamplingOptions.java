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
 * @param relationGuidance s in [0, 30]: each step also steers by {@code s (eps_c - eps_r)} away
 *     from the condition of the same graph with every relationship reversed (subject and object
 *     swapped), toward what the relations add; 0 (the default) leaves it out. It costs one more UNet
 *     branch per image and step, and it does nothing for a graph without relationships or a
 *     condition that cannot see relations (label text alone)
 */
public record SamplingOptions(int steps, double guidanceScale, float eta, int maxBatch, PromptKind prompt,
    double relationGuidance) {

  public SamplingOptions {
    new SamplingDefaults(steps, guidanceScale, eta); // same ranges, same messages
    if (maxBatch < 1 || maxBatch > 64) {
      throw new IllegalArgumentException("maxBatch must be within [1, 64], got " + maxBatch);
    }
    if (prompt == null) {
      throw new IllegalArgumentException("prompt must be LABELS or CAPTION");
    }
    if (!(relationGuidance >= 0 && relationGuidance <= 30)) {
      throw new IllegalArgumentException("relationGuidance must be within [0, 30] (0 = none), got " + relationGuidance);
    }
  }

  /** No relation guidance. */
  public SamplingOptions(int steps, double guidanceScale, float eta, int maxBatch, PromptKind prompt) {
    this(steps, guidanceScale, eta, maxBatch, prompt, 0);
  }

  /** Label prompts. */
  public SamplingOptions(int steps, double guidanceScale, float eta, int maxBatch) {
    this(steps, guidanceScale, eta, maxBatch, PromptKind.LABELS);
  }

  public static SamplingOptions of(SamplingDefaults defaults) {
    return new SamplingOptions(defaults.steps(), defaults.guidanceScale(), defaults.eta(), 8);
  }

  public SamplingOptions withSteps(int newSteps) {
    return new SamplingOptions(newSteps, guidanceScale, eta, maxBatch, prompt, relationGuidance);
  }

  public SamplingOptions withGuidanceScale(double scale) {
    return new SamplingOptions(steps, scale, eta, maxBatch, prompt, relationGuidance);
  }

  public SamplingOptions withMaxBatch(int size) {
    return new SamplingOptions(steps, guidanceScale, eta, size, prompt, relationGuidance);
  }

  public SamplingOptions withRelationGuidance(double scale) {
    return new SamplingOptions(steps, guidanceScale, eta, maxBatch, prompt, scale);
  }

  public SamplingOptions withEta(float newEta) {
    return new SamplingOptions(steps, guidanceScale, newEta, maxBatch, prompt, relationGuidance);
  }

  public SamplingOptions withPrompt(PromptKind kind) {
    return new SamplingOptions(steps, guidanceScale, eta, maxBatch, kind, relationGuidance);
  }
}
