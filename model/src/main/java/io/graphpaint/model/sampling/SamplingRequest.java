package io.graphpaint.model.sampling;

import io.graphpaint.model.data.SceneGraph;

/**
 * Images wanted for one scene graph. Image {@code n} starts from noise seeded by {@code seed + n},
 * so the images of a request do not depend on what else shares its batch.
 *
 * @param graph the scene graph
 * @param seed seed of the first image
 * @param numImages images to make, in [1, 8]
 */
public record SamplingRequest(SceneGraph graph, long seed, int numImages) {

  public static final int MAX_IMAGES = 8;

  public SamplingRequest {
    if (graph == null) {
      throw new IllegalArgumentException("graph must be set");
    }
    if (graph.objects().isEmpty()) {
      throw new IllegalArgumentException("graph must have at least one object");
    }
    if (numImages < 1 || numImages > MAX_IMAGES) {
      throw new IllegalArgumentException("numImages must be within [1, " + MAX_IMAGES + "], got " + numImages);
    }
  }
}
