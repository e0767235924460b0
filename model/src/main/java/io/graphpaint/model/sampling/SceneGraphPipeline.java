package io.graphpaint.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.clip.TokenizedText;
import io.graphpaint.model.data.EncodedSceneGraph;
import io.graphpaint.model.diffusion.DdimScheduler;
import io.graphpaint.model.fusion.ConditionInput;
import io.graphpaint.model.fusion.FusedCondition;
import io.graphpaint.model.fusion.FusionMode;
import io.graphpaint.model.fusion.LabelPrompt;
import io.graphpaint.model.graph.GraphBatcher;
import io.graphpaint.model.graph.GraphEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Scene graphs in, images out: encode each graph, fuse the CLIP text tokens of its label prompt
 * with its graph tokens into S_cond, and run DDIM with classifier-free guidance (the null
 * condition as the unconditional branch, both branches in one UNet batch).
 *
 * <p>Deterministic: the initial noise of each image comes from a {@link Random} seeded with its
 * seed (not from the engine's shared generator), so the same graph, seed, model, steps and
 * guidance give the same bytes. Every call works in its own NDManager scope (and each denoising
 * step in a sub-scope), freed before it returns. Calls are serialised.
 */
public final class SceneGraphPipeline implements AutoCloseable {

  private final GraphPaintModel model;
  private final boolean ownsModel;
  private final DdimScheduler scheduler;
  private final ParameterStore store;

  /** Uses {@code model} without taking ownership. */
  public SceneGraphPipeline(GraphPaintModel model) {
    this(model, false);
  }

  private SceneGraphPipeline(GraphPaintModel model, boolean ownsModel) {
    this.model = model;
    this.ownsModel = ownsModel;
    this.scheduler = new DdimScheduler(model.config().noiseSchedule());
    this.store = new ParameterStore(model.manager(), false);
  }

  /** Loads a model directory; closing the pipeline frees the model. */
  public static SceneGraphPipeline load(Path modelDirectory, NDManager parent) {
    return new SceneGraphPipeline(ModelDirectory.load(modelDirectory, parent), true);
  }

  public GraphPaintModel model() {
    return model;
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
      prompts.add(LabelPrompt.of(request.graph()));
      seeds[i] = request.seed() + chunk.get(i)[1];
    }
    FusedCondition condition = condition(graphs, prompts, manager);
    boolean guided = options.guidanceScale() != 1.0;
    FusedCondition both =
        guided
            ? condition.concatBatch(model.fusion().nullCondition(store, manager, batch, condition.length()))
            : condition;

    int perImage = 3 * size * size;
    Random[] generators = new Random[batch];
    float[] initial = new float[batch * perImage];
    for (int i = 0; i < batch; i++) {
      generators[i] = new Random(seeds[i]);
      fillGaussian(generators[i], initial, i * perImage, perImage);
    }
    NDArray x = manager.create(initial, new Shape(batch, 3, size, size));
    int[] timesteps = scheduler.timesteps(options.steps());
    for (int s = 0; s < timesteps.length; s++) {
      int t = timesteps[s];
      try (NDManager stepManager = manager.newSubManager()) {
        // the UNet's intermediates follow its input's manager: give it the step's
        NDArray input = guided ? x.concat(x) : x.duplicate();
        input.attach(stepManager);
        NDArray time = stepManager.full(new Shape(input.getShape().get(0)), t, DataType.INT64);
        NDArray eps = model.unet().predictNoise(store, input, time, both.tokens(), both.mask(), false);
        eps.attach(stepManager);
        if (guided) {
          NDArray conditional = eps.get("0:{}", batch);
          NDArray unconditional = eps.get("{}:", batch);
          eps = unconditional.add(conditional.sub(unconditional).mul((float) options.guidanceScale()));
        }
        NDArray variance = null;
        if (options.eta() > 0) {
          float[] z = new float[batch * perImage];
          for (int i = 0; i < batch; i++) {
            fillGaussian(generators[i], z, i * perImage, perImage);
          }
          variance = stepManager.create(z, x.getShape());
        }
        NDArray next = scheduler.step(eps, t, options.steps(), x, options.eta(), variance);
        next.attach(manager);
        x.close();
        x = next;
      }
      progress.onStep(s + 1, timesteps.length, batchNumber, batches);
    }
    float[] pixels = x.clip(-1f, 1f).add(1f).div(2f).toFloatArray();
    List<GeneratedImage> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      float[] image = new float[perImage];
      System.arraycopy(pixels, i * perImage, image, 0, perImage);
      out.add(new GeneratedImage(chunk.get(i)[0], chunk.get(i)[1], seeds[i], size, size, image, png(image, size)));
    }
    return out;
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
    ConditionInput input =
        mode.usesLocalTokens()
            ? new ConditionInput(states, maskFloat, encoding.global(), encoding.objectTokens(), encoding.objectMask())
            : ConditionInput.of(states, maskFloat, encoding.global());
    return model.fusion().fuseWithoutDropout(store, input);
  }

  private static void fillGaussian(Random random, float[] out, int offset, int count) {
    for (int i = 0; i < count; i++) {
      out[offset + i] = (float) random.nextGaussian();
    }
  }

  /** (3, H, W) in [0, 1] -> PNG, rounding to 8 bits. */
  static byte[] png(float[] chw, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int p = y * size + x;
        int r = Math.round(chw[p] * 255f);
        int g = Math.round(chw[plane + p] * 255f);
        int b = Math.round(chw[2 * plane + p] * 255f);
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }
}
