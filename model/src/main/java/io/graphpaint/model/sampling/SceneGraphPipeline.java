package io.graphpaint.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.clip.TokenizedText;
import io.graphpaint.model.data.EncodedSceneGraph;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.diffusion.DdimSampler;
import io.graphpaint.model.diffusion.DdimScheduler;
import io.graphpaint.model.diffusion.ImageEncoding;
import io.graphpaint.model.fusion.ConditionInput;
import io.graphpaint.model.fusion.FusedCondition;
import io.graphpaint.model.fusion.FusionMode;
import io.graphpaint.model.fusion.PromptKind;
import io.graphpaint.model.graph.GraphBatcher;
import io.graphpaint.model.graph.GraphEncoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scene graphs in, images out: encode each graph, fuse the CLIP text tokens of its prompt (the
 * object labels, or the flattened caption, see {@link SamplingOptions#prompt()}) with its graph
 * tokens into S_cond, and run DDIM with classifier-free guidance (the null
 * condition as the unconditional branch, both branches in one UNet batch), and, with {@link
 * SamplingOptions#relationGuidance()}, away from the condition of the graph with its relationships
 * reversed (a third branch).
 *
 * <p>Deterministic: {@link DdimSampler} draws each image's noise from a {@link java.util.Random}
 * seeded with its seed (not from the engine's shared generator), so the same graph, seed, model,
 * steps and guidance give the same bytes. Every call works in its own NDManager scope (and each denoising
 * step in a sub-scope), freed before it returns. Calls are serialised.
 */
public final class SceneGraphPipeline implements AutoCloseable {

  private final GraphPaintModel model;
  private final boolean ownsModel;
  private final DdimSampler sampler;
  private final ParameterStore store;

  /** Uses {@code model} without taking ownership. */
  public SceneGraphPipeline(GraphPaintModel model) {
    this(model, false);
  }

  private SceneGraphPipeline(GraphPaintModel model, boolean ownsModel) {
    this.model = model;
    this.ownsModel = ownsModel;
    this.store = new ParameterStore(model.manager(), false);
    // images live in [-1, 1]: clamp each step's x_0 prediction to it (diffusers' clip_sample)
    this.sampler =
        new DdimSampler(
            model.unet(), store, new DdimScheduler(model.config().noiseSchedule()).withSampleClipping(1f));
  }

  /** Loads a model directory; closing the pipeline frees the model. */
  public static SceneGraphPipeline load(Path modelDirectory, NDManager parent) {
    return new SceneGraphPipeline(ModelDirectory.load(modelDirectory, parent), true);
  }

  public GraphPaintModel model() {
    return model;
  }

  /**
   * Whether the UNet denoises each image of a batch on its own (the default: results independent
   * of the batch-mates) or the whole batch in one call (faster); see {@link DdimSampler#withBatchInvariance}.
   */
  public SceneGraphPipeline withBatchInvariance(boolean invariant) {
    sampler.withBatchInvariance(invariant);
    return this;
  }

  public boolean batchInvariant() {
    return sampler.batchInvariant();
  }

  /** The model's own default settings (steps, guidance, eta), batch 8. */
  public SamplingOptions defaultOptions() {
    return SamplingOptions.of(model.config().sampling());
  }

  /** Samples every image of every request, batched up to {@code options.maxBatch()}. */
  public synchronized List<GeneratedImage> generate(
      List<SamplingRequest> requests, SamplingOptions options, SamplingProgress progress) {
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("requests must not be empty");
    }
    // callers sample on their own threads, where PyTorch would otherwise record autograd history
    io.graphpaint.model.nn.GradientRecording.disableOnThisThread();
    List<int[]> jobs = new ArrayList<>(); // (request, image)
    List<EncodedSceneGraph> encoded = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      EncodedSceneGraph graph = model.vocabulary().encode(requests.get(r).graph()); // names unknown labels
      encoded.add(graph);
      for (int n = 0; n < requests.get(r).numImages(); n++) {
        jobs.add(new int[] {r, n});
      }
    }
    List<GeneratedImage> images = new ArrayList<>(jobs.size());
    int batches = (jobs.size() + options.maxBatch() - 1) / options.maxBatch();
    try (NDManager call = model.manager().newSubManager()) {
      for (int b = 0; b < batches; b++) {
        List<int[]> chunk = jobs.subList(b * options.maxBatch(), Math.min(jobs.size(), (b + 1) * options.maxBatch()));
        try (NDManager batchManager = call.newSubManager()) {
          images.addAll(sampleBatch(requests, encoded, chunk, options, progress, b, batches, batchManager));
        }
      }
    }
    return images;
  }

  private List<GeneratedImage> sampleBatch(
      List<SamplingRequest> requests,
      List<EncodedSceneGraph> encoded,
      List<int[]> chunk,
      SamplingOptions options,
      SamplingProgress progress,
      int batchNumber,
      int batches,
      NDManager manager) {
    int batch = chunk.size();
    int size = model.config().unet().sampleSize();
    List<EncodedSceneGraph> graphs = new ArrayList<>(batch);
    List<String> prompts = new ArrayList<>(batch);
    long[] seeds = new long[batch];
    for (int i = 0; i < batch; i++) {
      SamplingRequest request = requests.get(chunk.get(i)[0]);
      graphs.add(encoded.get(chunk.get(i)[0]));
      prompts.add(options.prompt().text(request.graph()));
      seeds[i] = request.seed() + chunk.get(i)[1];
    }
    FusedCondition condition = condition(graphs, prompts, manager);
    boolean guided = options.guidanceScale() != 1.0;
    FusedCondition empty = guided ? model.fusion().nullCondition(store, manager, batch, condition.length()) : null;
    io.graphpaint.model.diffusion.SamplingRequest request =
        new io.graphpaint.model.diffusion.SamplingRequest(
            seeds,
            condition.tokens(),
            condition.mask(),
            guided ? empty.tokens() : null,
            guided ? empty.mask() : null,
            (float) options.guidanceScale(),
            options.steps(),
            options.eta(),
            size,
            size);
    if (options.relationGuidance() > 0 && seesRelations(options.prompt())) {
      List<EncodedSceneGraph> reversedGraphs = new ArrayList<>(batch);
      List<String> reversedPrompts = new ArrayList<>(batch);
      boolean anyRelation = false;
      for (int[] job : chunk) {
        SceneGraph reversed = requests.get(job[0]).graph().withRelationshipsReversed();
        anyRelation |= !reversed.relationships().isEmpty();
        reversedGraphs.add(model.vocabulary().encode(reversed));
        reversedPrompts.add(options.prompt().text(reversed));
      }
      if (anyRelation) {
        FusedCondition contrast = condition(reversedGraphs, reversedPrompts, manager);
        request = request.withContrast(contrast.tokens(), contrast.mask(), (float) options.relationGuidance());
      }
    }
    NDArray images = sampler.sample(request, manager, (step, total, timestep) -> progress.onStep(step, total, batchNumber, batches));
    float[] signed = images.toFloatArray(); // (B, 3, S, S) in [-1, 1]
    int perImage = 3 * size * size;
    List<GeneratedImage> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      float[] image = new float[perImage];
      System.arraycopy(signed, i * perImage, image, 0, perImage);
      out.add(new GeneratedImage(chunk.get(i)[0], chunk.get(i)[1], seeds[i], size, size,
          toUnitRange(image), ImageEncoding.toPng(image, size, size)));
    }
    return out;
  }

  /**
   * Whether this model's condition differs for a graph and its reversed-relations twin: through
   * the graph encoder, or through a caption prompt that names the relations.
   */
  boolean seesRelations(PromptKind prompt) {
    return model.config().fusion().mode().usesGraph() || prompt == PromptKind.CAPTION;
  }

  /** [-1, 1] -> [0, 1], clamped. */
  private static float[] toUnitRange(float[] signed) {
    float[] out = new float[signed.length];
    for (int i = 0; i < signed.length; i++) {
      out[i] = Math.min(1f, Math.max(0f, signed[i] / 2f + 0.5f));
    }
    return out;
  }

  /**
   * S_cond of {@code graphs} as sampling builds it (no dropout): the CLIP text states of each
   * graph's {@code prompt} fused with the graph encoding in the model's fusion mode.
   *
   * @throws io.graphpaint.model.data.UnknownLabelException when a graph names a label the model
   *     does not know
   */
  public synchronized FusedCondition condition(List<SceneGraph> graphs, PromptKind prompt, NDManager manager) {
    io.graphpaint.model.nn.GradientRecording.disableOnThisThread();
    List<EncodedSceneGraph> encoded = new ArrayList<>(graphs.size());
    List<String> prompts = new ArrayList<>(graphs.size());
    for (SceneGraph graph : graphs) {
      encoded.add(model.vocabulary().encode(graph));
      prompts.add(prompt.text(graph));
    }
    return condition(encoded, prompts, manager);
  }

  /** The unconditional S_cond of classifier-free guidance, {@code batch} rows of {@code length} tokens. */
  public synchronized FusedCondition nullCondition(int batch, int length, NDManager manager) {
    return model.fusion().nullCondition(store, manager, batch, length);
  }

  /** The store the pipeline reads the model's parameters from (inference). */
  public ParameterStore parameterStore() {
    return store;
  }

  /** S_cond of a batch, no dropout. */
  private FusedCondition condition(List<EncodedSceneGraph> graphs, List<String> prompts, NDManager manager) {
    TokenizedText tokens = model.tokenizer().encode(prompts);
    NDArray mask = tokens.attentionMask(manager);
    NDArray states = model.clip().encodeText(store, tokens.inputIds(manager), mask, false).lastHiddenState();
    NDArray maskFloat = mask.toType(DataType.FLOAT32, false);
    FusionMode mode = model.config().fusion().mode();
    if (mode == FusionMode.TEXT_ONLY) {
      return model.fusion().fuseWithoutDropout(store, ConditionInput.of(states, maskFloat, null));
    }
    GraphEncoding encoding = model.graphEncoder().encode(store, GraphBatcher.batchEncoded(graphs, manager), false);
    return model.fusion().fuseWithoutDropout(store, ConditionInput.of(states, maskFloat, encoding, mode));
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }
}
