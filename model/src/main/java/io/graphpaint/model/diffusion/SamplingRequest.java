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
 * @param contrast a condition to steer away from, (B, L'', C_cond), or null: each step adds {@code
 *     s (eps_c - eps_contrast)} to the (guided) prediction, e.g. the graph with its relationships
 *     reversed, so the sample moves toward what tells the condition from it
 * @param contrastMask (B, L'') or null
 * @param contrastScale s, within [0, 50]; 0 leaves the contrast out (its branch is then skipped)
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
    int width,
    NDArray contrast,
    NDArray contrastMask,
    float contrastScale) {

  /** A request without a contrast condition. */
  public SamplingRequest(long[] seeds, NDArray condition, NDArray conditionMask, NDArray unconditional,
      NDArray unconditionalMask, float guidanceScale, int steps, float eta, int height, int width) {
    this(seeds, condition, conditionMask, unconditional, unconditionalMask, guidanceScale, steps, eta, height, width,
        null, null, 0f);
  }

  public SamplingRequest {
    Objects.requireNonNull(seeds, "seeds must not be null");
    Objects.requireNonNull(condition, "condition must not be null");
    seeds = seeds.clone();
    int batch = seeds.length;
    if (batch < 1 || batch > 256) {
      throw new IllegalArgumentException("seeds must hold 1 to 256 entries, got " + batch);
    }
    checkSequence("condition", condition, conditionMask, batch);
    checkBranch("unconditional", unconditional, unconditionalMask, condition, batch);
    checkBranch("contrast", contrast, contrastMask, condition, batch);
    if (!(contrastScale >= 0 && contrastScale <= 50)) {
      throw new IllegalArgumentException("contrastScale must be within [0, 50], got " + contrastScale);
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

  /**
   * An optional condition of another branch ({@code sequence}, null when the branch is not asked
   * for): (B, L', C_cond) with the condition's width, its mask (B, L') or null.
   */
  private static void checkBranch(String name, NDArray sequence, NDArray mask, NDArray condition, int batch) {
    if (sequence == null) {
      if (mask != null) {
        throw new IllegalArgumentException(name + "Mask given without " + name);
      }
      return;
    }
    checkSequence(name, sequence, mask, batch);
    if (sequence.getShape().get(2) != condition.getShape().get(2)) {
      throw new IllegalArgumentException(
          name + " width " + sequence.getShape().get(2) + " must equal condition width " + condition.getShape().get(2));
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

  /** Whether the contrast branch runs (a contrast condition given and s != 0). */
  public boolean contrasted() {
    return contrast != null && contrastScale != 0f;
  }

  /**
   * UNet branches per image and step: the condition, the unconditional one when guided, the
   * contrast when contrasted.
   */
  public int branches() {
    return 1 + (guided() ? 1 : 0) + (contrasted() ? 1 : 0);
  }

  /** This request with {@code contrast} as the condition to steer away from, at scale {@code scale}. */
  public SamplingRequest withContrast(NDArray contrast, NDArray contrastMask, float scale) {
    return new SamplingRequest(seeds, condition, conditionMask, unconditional, unconditionalMask, guidanceScale, steps,
        eta, height, width, contrast, contrastMask, scale);
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
