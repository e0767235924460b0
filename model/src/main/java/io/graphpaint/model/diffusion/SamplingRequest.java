package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * What to sample: one image per seed, conditioned on one condition sequence per image, with
 * optional classifier-free guidance.
 *
 * @param seeds one seed per image, B entries; image i's initial noise (and, with eta > 0, its
 *     per-step noise) comes from its own generator seeded with {@code seeds[i]}, so an image never
 *     depends on the other images of its batch
 * @param condition S_cond, (B, L, C_cond)
 * @param conditionMask (B, L), 1 for real tokens, 0 for padding; null when nothing is padding
 * @param unconditional the "empty" condition for guidance, (B, L', C_cond), or null to sample
 *     without guidance
 * @param unconditionalMask (B, L') or null
 * @param guidanceScale w in {@code eps_u + w (eps_c - eps_u)}, within [0, 50]; 1 means plain
 *     conditional sampling (the unconditional branch is then skipped)
 * @param steps DDIM steps, within [1, numTrainTimesteps]
 * @param eta DDIM stochasticity, within [0, 1] (0 = deterministic DDIM, 1 = DDPM-like)
 * @param height image height in pixels
 * @param width image width in pixels
 */
public record SamplingRequest(
    long[] seeds,
    NDArray condition,
    NDArray conditionMask,
    NDArray unconditional,
    NDArray unconditionalMask,
    float guidanceScale,
    int steps,
    float eta,
    int height,
    int width) {

  public SamplingRequest {
    Objects.requireNonNull(seeds, "seeds must not be null");
    Objects.requireNonNull(condition, "condition must not be null");
    seeds = seeds.clone();
    int batch = seeds.length;
    if (batch < 1 || batch > 256) {
      throw new IllegalArgumentException("seeds must hold 1 to 256 entries, got " + batch);
    }
    checkSequence("condition", condition, conditionMask, batch);
    if (unconditional != null) {
      checkSequence("unconditional", unconditional, unconditionalMask, batch);
      if (unconditional.getShape().get(2) != condition.getShape().get(2)) {
        throw new IllegalArgumentException(
            "unconditional width " + unconditional.getShape().get(2)
                + " must equal condition width " + condition.getShape().get(2));
      }
    } else if (unconditionalMask != null) {
      throw new IllegalArgumentException("unconditionalMask given without unconditional");
    }
    if (!(guidanceScale >= 0 && guidanceScale <= 50)) {
      throw new IllegalArgumentException(
          "guidanceScale must be within [0, 50], got " + guidanceScale);
    }
    if (steps < 1 || steps > 10_000) {
      throw new IllegalArgumentException("steps must be within [1, 10000], got " + steps);
    }
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("eta must be within [0, 1], got " + eta);
    }
    if (height < 8 || height > 1024 || width < 8 || width > 1024) {
      throw new IllegalArgumentException(
          "height and width must be within [8, 1024], got " + height + "x" + width);
    }
  }

  private static void checkSequence(String name, NDArray sequence, NDArray mask, int batch) {
    Shape shape = sequence.getShape();
    if (shape.dimension() != 3 || shape.get(0) != batch) {
      throw new IllegalArgumentException(
          name + " must be (B=" + batch + ", L, C_cond), got " + shape);
    }
    if (mask != null && !mask.getShape().equals(new Shape(batch, shape.get(1)))) {
      throw new IllegalArgumentException(
          name + "Mask must be (B=" + batch + ", L=" + shape.get(1) + "), got " + mask.getShape());
    }
  }

  /** The seeds, a copy (the record keeps its own). */
  @Override
  public long[] seeds() {
    return seeds.clone();
  }

  /** Number of images B. */
  public int batchSize() {
    return seeds.length;
  }

  /** Whether the unconditional branch runs (guidance given and w != 1). */
  public boolean guided() {
    return unconditional != null && guidanceScale != 1f;
  }

  /** Plain conditional sampling, no guidance. */
  public static SamplingRequest conditional(
      long[] seeds, NDArray condition, NDArray conditionMask, int steps, int size) {
    return new SamplingRequest(
        seeds, condition, conditionMask, null, null, 1f, steps, 0f, size, size);
  }

  /** Guided sampling with DDIM eta 0. */
  public static SamplingRequest guided(
      long[] seeds,
      NDArray condition,
      NDArray conditionMask,
      NDArray unconditional,
      NDArray unconditionalMask,
      float guidanceScale,
      int steps,
      int size) {
    return new SamplingRequest(
        seeds,
        condition,
        conditionMask,
        unconditional,
        unconditionalMask,
        guidanceScale,
        steps,
        0f,
        size,
        size);
  }
}
