package io.graphpaint.worker;

/**
 * What one request may ask of a worker.
 *
 * @param maxObjects most objects in a scene graph
 * @param maxRelationships most relationships in a scene graph
 * @param maxImages most images per request
 * @param maxSteps most DDIM steps
 * @param maxGuidanceScale largest classifier-free guidance scale
 */
public record RequestLimits(int maxObjects, int maxRelationships, int maxImages, int maxSteps, float maxGuidanceScale) {

  public RequestLimits {
    if (maxObjects < 1) {
      throw new IllegalArgumentException("maxObjects must be >= 1, got " + maxObjects);
    }
    if (maxRelationships < 0) {
      throw new IllegalArgumentException("maxRelationships must be >= 0, got " + maxRelationships);
    }
    if (maxImages < 1 || maxImages > 8) {
      throw new IllegalArgumentException("maxImages must be within [1, 8], got " + maxImages);
    }
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
    }
    if (!(maxGuidanceScale >= 0) || Float.isInfinite(maxGuidanceScale)) {
      throw new IllegalArgumentException("maxGuidanceScale must be finite and >= 0, got " + maxGuidanceScale);
    }
  }
}
