package io.graphpaint.worker.models;

import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.worker.generation.DiffusionImageGenerator;
import io.graphpaint.worker.generation.ImageGenerator;
import java.util.Objects;

/**
 * One model version in memory, with the generator that samples from it. Closing frees its native
 * memory; {@link ModelManager} closes retired versions only between batches.
 */
public final class LoadedModel implements AutoCloseable {

  private final String name;
  private final String version;
  private final GraphPaintModel model;
  private final ImageGenerator generator;

  /** A version whose generator denoises one image at a time (batch-invariant results). */
  public LoadedModel(String name, String version, GraphPaintModel model) {
    this(name, version, model, false);
  }

  /**
   * @param wholeBatchUNet whether the generator runs the UNet on the whole batch at once rather than per image
   */
  public LoadedModel(String name, String version, GraphPaintModel model, boolean wholeBatchUNet) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = Objects.requireNonNull(version, "version");
    this.model = Objects.requireNonNull(model, "model");
    this.generator = new DiffusionImageGenerator(model, !wholeBatchUNet);
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public Vocabulary vocabulary() {
    return model.vocabulary();
  }

  /** Image side in pixels. */
  public int resolution() {
    return model.config().unet().sampleSize();
  }

  public int defaultSteps() {
    return model.config().sampling().steps();
  }

  public float defaultGuidanceScale() {
    return (float) model.config().sampling().guidanceScale();
  }

  public ImageGenerator generator() {
    return generator;
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return name + "/" + version;
  }
}
