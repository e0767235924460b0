package io.graphpaint.worker.generation;

import io.graphpaint.model.data.SceneGraph;
import java.util.Objects;

/**
 * One validated request, ready for tensor work: its images are generated with seeds
 * {@code firstSeed, firstSeed + 1, ...}, so that image n of a request never depends on the
 * requests it happens to be batched with.
 *
 * @param requestId the request's id (already checked to be a valid object-key segment)
 * @param graph the scene graph, every label known to the model that will run it
 * @param numImages images to generate, at least 1
 * @param firstSeed seed of image 0
 */
public record GenerationJob(String requestId, SceneGraph graph, int numImages, long firstSeed) {

  public GenerationJob {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(graph, "graph");
    if (numImages < 1) {
      throw new IllegalArgumentException("numImages must be >= 1, got " + numImages);
    }
  }

  /** Seed of image {@code n}. */
  public long seed(int n) {
    return firstSeed + n;
  }
}
