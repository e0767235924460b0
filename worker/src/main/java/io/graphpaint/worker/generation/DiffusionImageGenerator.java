package io.graphpaint.worker.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.clip.TokenizedText;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.diffusion.DdimSampler;
import io.graphpaint.model.diffusion.DdimScheduler;
import io.graphpaint.model.diffusion.ImageEncoding;
import io.graphpaint.model.diffusion.SamplingRequest;
import io.graphpaint.model.fusion.ConditionInput;
import io.graphpaint.model.fusion.FusedCondition;
import io.graphpaint.model.fusion.LabelPrompt;
import io.graphpaint.model.graph.GraphBatch;
import io.graphpaint.model.graph.GraphBatcher;
import io.graphpaint.model.graph.GraphEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The paper's sampling path over a loaded {@link GraphPaintModel}: per image, the CLIP text tokens
 * of the object-label prompt and the graph encoder's vectors are fused into {@code S_cond}; DDIM
 * with classifier-free guidance (the fusion's learned null condition as the unconditional branch)
 * denoises one batch of all images; the result is quantised to 8-bit PNG.
 *
 * <p>Every call runs in its own sub-manager of the model's manager, closed before returning, so
 * native memory stays flat over any number of batches.
 */
public final class DiffusionImageGenerator implements ImageGenerator {

  private final GraphPaintModel model;
  private final DdimScheduler scheduler;

  public DiffusionImageGenerator(GraphPaintModel model) {
    this.model = Objects.requireNonNull(model, "model");
    this.scheduler = new DdimScheduler(model.config().noiseSchedule());
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
    // one row per image: its job's graph and prompt, its own seed
    List<SceneGraph> graphs = new ArrayList<>();
    List<String> prompts = new ArrayList<>();
    List<Long> seedList = new ArrayList<>();
    for (GenerationJob job : jobs) {
      String prompt = LabelPrompt.of(job.graph());
      for (int n = 0; n < job.numImages(); n++) {
        graphs.add(job.graph());
        prompts.add(prompt);
        seedList.add(job.seed(n));
      }
    }
    long[] seeds = seedList.stream().mapToLong(Long::longValue).toArray();
    int rows = seeds.length;
    StepListener progress = listener == null ? StepListener.NONE : listener;

    try (NDManager call = model.manager().newSubManager()) {
      ParameterStore store = new ParameterStore(call, false);
      long encodeStart = System.nanoTime();
      TokenizedText tokens = model.tokenizer().encode(prompts);
      NDArray textMask = tokens.attentionMask(call);
      NDArray text = model.clip().encodeText(store, tokens.inputIds(call), textMask, false).lastHiddenState(); // (B, L, Dt)
      GraphBatch graphBatch = GraphBatcher.batch(graphs, model.vocabulary(), call);
      GraphEncoding encoding = model.graphEncoder().encode(store, graphBatch, false);
      ConditionInput input = model.config().fusion().mode().usesLocalTokens()
          ? new ConditionInput(text, textMask, encoding.global(), encoding.objectTokens(), encoding.objectMask())
          : ConditionInput.of(text, textMask, encoding.global());
      FusedCondition condition = model.fusion().fuseWithoutDropout(store, input); // (B, L', Dt)
      SamplingRequest request;
      if (settings.guidanceScale() == 1f) {
        request = SamplingRequest.conditional(seeds, condition.tokens(), condition.mask(), settings.steps(), resolution);
      } else {
        FusedCondition empty = model.fusion().nullCondition(store, call, rows, condition.length());
        request = SamplingRequest.guided(seeds, condition.tokens(), condition.mask(), empty.tokens(), empty.mask(),
            settings.guidanceScale(), settings.steps(), resolution);
      }
      long encodeNanos = System.nanoTime() - encodeStart;

      long sampleStart = System.nanoTime();
      DdimSampler sampler = new DdimSampler(model.unet(), store, scheduler);
      NDArray images = sampler.sample(request, call, (step, total, timestep) -> progress.onStep(step, total));
      List<byte[]> pngs = ImageEncoding.toPngs(images); // (B, 3, H, W) in [-1, 1]
      long sampleNanos = System.nanoTime() - sampleStart;

      List<List<byte[]>> perJob = new ArrayList<>(jobs.size());
      int row = 0;
      for (GenerationJob job : jobs) {
        perJob.add(List.copyOf(pngs.subList(row, row + job.numImages())));
        row += job.numImages();
      }
      return new GeneratedBatch(perJob, encodeNanos, sampleNanos);
    }
  }
}
