package io.graphpaint.trainingworker;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.clip.ClipImageProcessor;
import io.graphpaint.model.clip.ClipModel;
import io.graphpaint.model.eval.ImageFeatures;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * FID's feature space: unit-length projected embeddings (P) of a model's CLIP image encoder.
 * Stages 1 and 2 leave CLIP frozen, so a base version and the versions trained from it share this
 * space and their FIDs compare.
 */
final class ClipImageFeatures implements ImageFeatures {

  private final GraphPaintModel model;
  private final ClipImageProcessor processor;
  private final ParameterStore store;

  ClipImageFeatures(GraphPaintModel model) {
    this.model = model;
    this.processor = ClipImageProcessor.forConfig(model.config().clip().vision());
    this.store = new ParameterStore(model.manager(), false);
  }

  @Override
  public String name() {
    return "clip-image-" + model.config().clip().projectionDim();
  }

  @Override
  public float[] features(BufferedImage image) {
    return features(List.of(image))[0];
  }

  /** (N, P) features of {@code images}, one batch. */
  float[][] features(List<BufferedImage> images) {
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray pixels = processor.preprocess(scope, images);
      ClipModel clip = model.clip();
      NDArray embedded = ClipModel.l2Normalize(clip.projectImage(store, clip.encodeImage(store, pixels, false).pooled(), false));
      embedded.attach(scope);
      int width = Math.toIntExact(embedded.getShape().get(1));
      float[] flat = embedded.toFloatArray();
      float[][] out = new float[images.size()][width];
      for (int i = 0; i < images.size(); i++) {
        System.arraycopy(flat, i * width, out[i], 0, width);
      }
      return out;
    }
  }
}
