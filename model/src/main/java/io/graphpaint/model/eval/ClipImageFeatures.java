package io.graphpaint.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.clip.ClipImageProcessor;
import io.graphpaint.model.clip.ClipModel;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The frozen CLIP image encoder as a feature space: the normalised projected image embedding
 * {@code visual_projection(pooled) / |.|}, (P). CLIP-FID and diversity are measured in it, since
 * Inception and LPIPS weights cannot be had.
 */
public final class ClipImageFeatures implements ImageFeatures {

  private final ClipModel clip;
  private final ClipImageProcessor processor;
  private final ParameterStore store;
  private final NDManager parent;
  private final String name;

  /** Features under {@code clip}; native memory of each call lives in a sub-manager of {@code parent}. */
  public ClipImageFeatures(ClipModel clip, NDManager parent, String name) {
    this.clip = clip;
    this.processor = ClipImageProcessor.forConfig(clip.config().vision());
    this.store = new ParameterStore(parent, false);
    this.parent = parent;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized float[] features(BufferedImage image) {
    try (NDManager scope = parent.newSubManager()) {
      NDArray pixels = processor.preprocess(scope, List.of(image)); // (1, 3, S, S)
      NDArray pooled = clip.encodeImage(store, pixels, false).pooled(); // (1, D)
      NDArray embedding = ClipModel.l2Normalize(clip.projectImage(store, pooled, false)); // (1, P)
      return embedding.toFloatArray();
    }
  }
}
