package io.graphpaint.schemas.json;

/**
 * Limits of a generation request accepted from outside (HTTP API, CLI).
 *
 * @param graph limits of the scene graph
 * @param maxImages most images per request (the event schema documents 1-8)
 * @param maxSteps most sampling steps
 * @param maxSize largest image side in pixels
 * @param maxGuidanceScale largest classifier-free guidance scale
 * @param maxTags most caller tags
 * @param maxTagLength most characters in a tag key or value
 */
public record RequestLimits(SceneGraphLimits graph, int maxImages, int maxSteps, int maxSize,
    float maxGuidanceScale, int maxTags, int maxTagLength) {

  public static final RequestLimits DEFAULT = new RequestLimits(SceneGraphLimits.DEFAULT, 8, 1000, 1024, 50f, 32, 256);

  public RequestLimits {
    if (graph == null) {
      throw new IllegalArgumentException("graph limits are required");
    }
    SceneGraphLimits.requireAtLeast("maxImages", maxImages, 1);
    SceneGraphLimits.requireAtLeast("maxSteps", maxSteps, 1);
    SceneGraphLimits.requireAtLeast("maxSize", maxSize, 1);
    if (!(maxGuidanceScale >= 0f) || Float.isInfinite(maxGuidanceScale)) {
      throw new IllegalArgumentException("maxGuidanceScale must be finite and >= 0, was " + maxGuidanceScale);
    }
    SceneGraphLimits.requireAtLeast("maxTags", maxTags, 0);
    SceneGraphLimits.requireAtLeast("maxTagLength", maxTagLength, 1);
  }

  public RequestLimits withGraph(SceneGraphLimits graphLimits) {
    return new RequestLimits(graphLimits, maxImages, maxSteps, maxSize, maxGuidanceScale, maxTags, maxTagLength);
  }
}
