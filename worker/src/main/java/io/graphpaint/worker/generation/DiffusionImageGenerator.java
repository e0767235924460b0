package io.graphpaint.worker.generation;

import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.sampling.GeneratedImage;
import io.graphpaint.model.sampling.SamplingOptions;
import io.graphpaint.model.sampling.SamplingRequest;
import io.graphpaint.model.sampling.SceneGraphPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link ImageGenerator} over the model's {@link SceneGraphPipeline}: S_cond from the CLIP text
 * tokens of the label prompt and the graph tokens, DDIM with classifier-free guidance, one seeded
 * noise generator per image, PNG out. All images of the call sample as one DDIM batch; the UNet
 * sees them one at a time (the default: an image's bytes do not depend on its batch-mates) or all
 * at once (faster where the engine gains from larger batches).
 *
 * <p>The pipeline reports steps, not phases, so the condition-building time is estimated: the
 * time to the first step minus the mean duration of the later steps.
 */
public final class DiffusionImageGenerator implements ImageGenerator {

  private final GraphPaintModel model;
  private final SceneGraphPipeline pipeline;

  /** A batch-invariant generator: the UNet runs once per image. */
  public DiffusionImageGenerator(GraphPaintModel model) {
    this(model, true);
  }

  /**
   * @param batchInvariant true: the UNet runs once per image; false: once per step for the whole batch
   */
  public DiffusionImageGenerator(GraphPaintModel model, boolean batchInvariant) {
    this.model = Objects.requireNonNull(model, "model");
    this.pipeline = new SceneGraphPipeline(model).withBatchInvariance(batchInvariant);
  }

  /** True when the UNet runs once per image, false when once per step for the whole batch. */
  public boolean batchInvariant() {
    return pipeline.batchInvariant();
  }

  @Override
  public GeneratedBatch generate(BatchSettings settings, List<GenerationJob> jobs, StepListener listener) {
    if (jobs.isEmpty()) {
      throw new IllegalArgumentException("jobs must not be empty");
    }
    int resolution = model.config().unet().sampleSize();
    if (settings.size() != resolution) {
      throw new IllegalArgumentException(
          "size " + settings.size() + " differs from the model's resolution " + resolution);
    }
    List<SamplingRequest> requests = new ArrayList<>(jobs.size());
    int images = 0;
    for (GenerationJob job : jobs) {
      requests.add(new SamplingRequest(job.graph(), job.firstSeed(), job.numImages()));
      images += job.numImages();
    }
    SamplingOptions options = new SamplingOptions(settings.steps(), settings.guidanceScale(),
        model.config().sampling().eta(), Math.min(64, images));
    StepListener progress = listener == null ? StepListener.NONE : listener;
    long start = System.nanoTime();
    long[] firstStepAt = {0};
    List<GeneratedImage> generated = pipeline.generate(requests, options, (step, total, batch, batches) -> {
      if (batch == 0 && step == 1) {
        firstStepAt[0] = System.nanoTime();
      }
      progress.onStep(batch * total + step, batches * total);
    });
    long end = System.nanoTime();
    int totalSteps = settings.steps() * ((images + options.maxBatch() - 1) / options.maxBatch());
    long afterFirst = end - firstStepAt[0];
    long meanStep = totalSteps > 1 ? afterFirst / (totalSteps - 1) : 0;
    long encodeNanos = Math.max(0, firstStepAt[0] - start - meanStep);
    List<List<byte[]>> perJob = new ArrayList<>(jobs.size());
    for (GenerationJob job : jobs) {
      perJob.add(new ArrayList<>(job.numImages()));
    }
    for (GeneratedImage image : generated) {
      perJob.get(image.request()).add(image.png()); // pipeline order: request, then image number
    }
    return new GeneratedBatch(perJob, encodeNanos, end - start - encodeNanos);
  }
}
