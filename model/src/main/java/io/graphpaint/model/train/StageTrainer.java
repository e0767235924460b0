package io.graphpaint.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import io.graphpaint.model.nn.Managed;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.clip.ClipContrastiveLoss;
import io.graphpaint.model.clip.ClipImageProcessor;
import io.graphpaint.model.clip.ClipModel;
import io.graphpaint.model.clip.ClipOutput;
import io.graphpaint.model.clip.TokenizedText;
import io.graphpaint.model.diffusion.DdpmObjective;
import io.graphpaint.model.diffusion.NoiseSchedule;
import io.graphpaint.model.fusion.ConditionFusion;
import io.graphpaint.model.fusion.ConditionInput;
import io.graphpaint.model.fusion.FusedCondition;
import io.graphpaint.model.graph.GraphBatch;
import io.graphpaint.model.graph.GraphBatcher;
import io.graphpaint.model.graph.GraphEncoding;
import io.graphpaint.model.losses.AlignmentLoss;
import io.graphpaint.model.losses.FineTuningLoss;
import io.graphpaint.model.losses.GanLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stage's training state and step: which parameters it trains, its optimizers and EMA, and
 * the step itself. Frozen parts run without gradient ({@code stopGradient} on their outputs), so
 * no gradient reaches or piles up in them.
 *
 * <ul>
 *   <li>0a: symmetric InfoNCE on CLIP's image/caption logits; trains all of CLIP. With the
 *       recipe's relation negatives, each image also has to score its caption above the caption
 *       of its graph with the relations reversed (logged as {@code reversedPreference}, the
 *       batch's share of images that do; 0.5 is chance).
 *   <li>0b: eps-MSE of the UNet cross-attending to the frozen CLIP text states of the caption,
 *       condition dropped to the null condition with p = conditionDropout; trains the UNet and the
 *       null token.
 *   <li>1: per step a discriminator update on [CLIP image embeddings; detached G_global], then a
 *       graph-encoder update on {@code adversarialWeight * BCE(D(G_global), 1) + L_align}; the
 *       discriminator's gradients from that second pass are zeroed, so nothing leaks into its next
 *       update.
 *   <li>2: {@code lambda * L_recon + (1 - lambda) * L_align} with S_cond = fuse(CLIP text states
 *       of the label prompt, graph tokens); trains UNet, graph encoder and fusion. With label
 *       dropout, a share of the samples is fused without its label-text tokens (graph tokens only).
 * </ul>
 *
 * The graph encoder's {@code logit_scale} (a contrastive temperature the forward pass never uses)
 * is not trained.
 */
public final class StageTrainer implements AutoCloseable {

  private static final String UNUSED_GRAPH_TEMPERATURE = GraphPaintModel.GRAPH_ENCODER + ".logit_scale";

  private final StageKind kind;
  private final GraphPaintModel model;
  private final TrainingData data;
  private final TrainingConfig config;
  private final StageConfig stage;
  private final ParameterStore store;
  private final NoiseSchedule schedule;
  private final DdpmObjective objective;
  private final ClipImageProcessor imageProcessor;
  private final Map<String, Parameter> trainable;
  private final Map<String, Parameter> discriminatorParameters;
  private final Map<String, AdamW> optimizers = new LinkedHashMap<>();
  private final ExponentialMovingAverage ema;
  private final Map<String, Parameter> unetParameters;

  public StageTrainer(StageKind kind, GraphPaintModel model, TrainingData data, TrainingConfig config, NDManager manager) {
    this.kind = kind;
    this.model = model;
    this.data = data;
    this.config = config;
    this.stage = config.stage(kind);
    this.store = new ParameterStore(manager, false);
    this.schedule = new NoiseSchedule(model.config().noiseSchedule());
    this.objective = new DdpmObjective(schedule);
    this.imageProcessor = ClipImageProcessor.forConfig(model.config().clip().vision());
    if (data.imageSize() != model.config().unet().sampleSize()) {
      throw new IllegalArgumentException(
          "dataset images are " + data.imageSize() + " px but the UNet's sampleSize is " + model.config().unet().sampleSize());
    }
    this.unetParameters = model.parameters().trainable(List.of(GraphPaintModel.UNET));
    Map<String, Parameter> selected = new LinkedHashMap<>();
    switch (kind) {
      case CLIP_PRETRAINING -> selected.putAll(model.parameters().trainable(List.of(GraphPaintModel.CLIP)));
      case TEXT_TO_IMAGE -> {
        selected.putAll(unetParameters);
        selected.put(GraphPaintModel.FUSION + ".nullToken", model.parameters().all().get(GraphPaintModel.FUSION + ".nullToken"));
      }
      case ALIGNMENT -> selected.putAll(model.parameters().trainable(List.of(GraphPaintModel.GRAPH_ENCODER)));
      case FINE_TUNING -> selected.putAll(
          model.parameters().trainable(List.of(GraphPaintModel.UNET, GraphPaintModel.GRAPH_ENCODER, GraphPaintModel.FUSION)));
    }
    selected.remove(UNUSED_GRAPH_TEMPERATURE);
    if (kind == StageKind.FINE_TUNING) {
      ConditionFusion.requireGraphTokensForLabelDropout(model.config().fusion().mode(), config.labelDropout());
    }
    if (kind == StageKind.CLIP_PRETRAINING && config.relationNegatives()) {
      // every caption must have a reversed counterpart: fail now, not at the first batch that lacks one
      data.reversedCaptions(java.util.stream.IntStream.range(0, data.size()).toArray());
    }
    this.trainable = Map.copyOf(selected);
    this.discriminatorParameters = model.parameters().trainable(List.of(GraphPaintModel.DISCRIMINATOR));
    optimizers.put("model", new AdamW(stage.optimizer(), manager));
    if (kind == StageKind.ALIGNMENT) {
      optimizers.put("discriminator", new AdamW(config.discriminatorOptimizer(), manager));
    }
    boolean keepsEma = stage.emaDecay() > 0 && (kind == StageKind.TEXT_TO_IMAGE || kind == StageKind.FINE_TUNING);
    this.ema = keepsEma ? new ExponentialMovingAverage(stage.emaDecay(), unetParameters, manager) : null;
  }

  public StageKind kind() {
    return kind;
  }

  /** Parameters the stage's model optimizer updates (name -> parameter). */
  public Map<String, Parameter> trainableParameters() {
    return trainable;
  }

  /** The stage-1 discriminator's parameters (updated only in stage 1). */
  public Map<String, Parameter> discriminatorParameters() {
    return discriminatorParameters;
  }

  public Map<String, AdamW> optimizers() {
    return optimizers;
  }

  /** The UNet EMA, or null when this stage keeps none. */
  public ExponentialMovingAverage ema() {
    return ema;
  }

  /** A loop over this stage's steps. */
  public TrainingLoop loop(StageCheckpoints checkpoints, List<ProgressListener> listeners) {
    return new TrainingLoop(
        new TrainingLoop.Settings(kind.id(), stage.steps(), stage.batchSize(), config.seed(), stage.checkpointEvery()),
        model.parameters(), optimizers, ema, this::step, checkpoints, listeners);
  }

  /** After the last step: the UNet takes its EMA weights (the weights later stages and sampling use). */
  public void finish() {
    if (ema != null) {
      ema.copyTo(unetParameters);
    }
  }

  /** One training step; see the class comment. */
  public Map<String, Float> step(long step, NDManager manager) {
    int[] indices = data.batchIndices(config.seed() + kind.ordinal(), step, stage.batchSize());
    return switch (kind) {
      case CLIP_PRETRAINING -> clipStep(indices, manager);
      case TEXT_TO_IMAGE -> textToImageStep(indices, manager);
      case ALIGNMENT -> alignmentStep(indices, manager);
      case FINE_TUNING -> fineTuningStep(indices, manager);
    };
  }

  private Map<String, Float> clipStep(int[] indices, NDManager manager) {
    List<String> captions = data.captions(indices);
    List<String> texts = captions;
    NDArray usable = null;
    if (config.relationNegatives()) {
      // N + i: caption i with its relations reversed, a negative unless it reads the same
      List<String> reversed = data.reversedCaptions(indices);
      texts = new java.util.ArrayList<>(captions);
      texts.addAll(reversed);
      boolean[] differs = new boolean[indices.length];
      for (int i = 0; i < indices.length; i++) {
        differs[i] = !reversed.get(i).equals(captions.get(i));
      }
      usable = manager.create(differs);
    }
    TokenizedText text = model.tokenizer().encode(texts);
    NDArray ids = text.inputIds(manager);
    NDArray mask = text.attentionMask(manager);
    NDArray pixels = imageProcessor.preprocess(data.pixelsNhwc(indices, manager));
    NDArray loss;
    NDArray logits;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      ClipOutput out = model.clip().apply(store, ids, mask, pixels, true);
      logits = out.logitsPerText();
      loss = usable == null
          ? ClipContrastiveLoss.symmetricCrossEntropy(logits)
          : ClipContrastiveLoss.withHardNegatives(logits, usable);
      collector.backward(loss);
    }
    AdamW.Outcome outcome = optimizers.get("model").step(trainable, manager);
    Map<String, Float> losses = losses("loss", loss, outcome);
    if (usable != null) {
      float preference = ClipContrastiveLoss.hardNegativePreference(logits, usable);
      if (!Float.isNaN(preference)) {
        losses.put("reversedPreference", preference);
      }
    }
    return losses;
  }

  private Map<String, Float> textToImageStep(int[] indices, NDManager manager) {
    FusedCondition caption = textStates(data.captions(indices), manager);
    NDArray x0 = data.imagesSigned(indices, manager);
    NDArray noise = manager.randomNormal(x0.getShape());
    int[] timesteps = timesteps(indices.length, manager);
    NDArray loss;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      FusedCondition condition = model.fusion().dropConditions(store, caption);
      loss = objective.loss(store, model.unet(), x0, timesteps, noise, condition.tokens(), condition.mask(), true);
      collector.backward(loss);
    }
    AdamW.Outcome outcome = optimizers.get("model").step(trainable, manager);
    if (outcome.applied() && ema != null) {
      ema.update(unetParameters);
    }
    return losses("loss", loss, outcome);
  }

  private Map<String, Float> alignmentStep(int[] indices, NDManager manager) {
    NDArray real = clipImageEmbeddings(indices, manager); // (B, P)
    int batch = indices.length;
    // discriminator update on [real; detached fake]
    NDArray discriminatorLoss;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray fake = encodeGraphs(indices, manager).global().stopGradient();
      NDArray logits = discriminate(real, fake);
      discriminatorLoss =
          GanLoss.discriminatorLoss(logits.get(new NDIndex("0:{}", batch)), logits.get(new NDIndex("{}:", batch)));
      collector.backward(discriminatorLoss);
    }
    optimizers.get("discriminator").step(discriminatorParameters, manager);
    // graph encoder update; the discriminator's gradients from this pass are discarded below
    NDArray generatorLoss;
    AlignmentLoss.Terms align;
    NDArray total;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray fake = encodeGraphs(indices, manager).global();
      NDArray logits = discriminate(real, fake);
      generatorLoss = GanLoss.generatorLoss(logits.get(new NDIndex("{}:", batch)));
      align = config.alignmentLoss().compute(fake, real);
      total = generatorLoss.mul(Managed.scalar(generatorLoss, (float) config.adversarialWeight())).add(align.total());
      collector.backward(total);
    }
    AdamW.Outcome outcome = optimizers.get("model").step(trainable, manager);
    for (Parameter parameter : discriminatorParameters.values()) {
      NDArray gradient = parameter.getArray().getGradient();
      gradient.attach(manager);
      AdamW.zero(gradient);
    }
    Map<String, Float> losses = losses("loss", total, outcome);
    losses.put("d", discriminatorLoss.getFloat());
    losses.put("g", generatorLoss.getFloat());
    losses.put("clip", align.clip().getFloat());
    losses.put("mmd", align.mmd().getFloat());
    return losses;
  }

  private Map<String, Float> fineTuningStep(int[] indices, NDManager manager) {
    NDArray real = clipImageEmbeddings(indices, manager);
    FusedCondition prompt = model.fusion().dropText(textStates(data.labelPrompts(indices), manager), config.labelDropout());
    NDArray x0 = data.imagesSigned(indices, manager);
    NDArray noise = manager.randomNormal(x0.getShape());
    int[] timesteps = timesteps(indices.length, manager);
    FineTuningLoss.Terms terms;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      GraphEncoding encoding = encodeGraphs(indices, manager);
      ConditionInput input = ConditionInput.of(prompt.tokens(), prompt.mask(), encoding, model.config().fusion().mode());
      FusedCondition condition = model.fusion().fuse(store, input, true);
      NDArray reconstruction =
          objective.loss(store, model.unet(), x0, timesteps, noise, condition.tokens(), condition.mask(), true);
      terms = config.fineTuningLoss().combine(reconstruction, config.alignmentLoss().compute(encoding.global(), real));
      collector.backward(terms.total());
    }
    AdamW.Outcome outcome = optimizers.get("model").step(trainable, manager);
    if (outcome.applied() && ema != null) {
      ema.update(unetParameters);
    }
    Map<String, Float> losses = losses("loss", terms.total(), outcome);
    losses.put("recon", terms.reconstruction().getFloat());
    losses.put("align", terms.alignment().total().getFloat());
    return losses;
  }

  private NDArray discriminate(NDArray real, NDArray fake) {
    return model.discriminator().forward(store, new NDList(real.concat(fake)), true).singletonOrThrow();
  }

  private GraphEncoding encodeGraphs(int[] indices, NDManager manager) {
    GraphBatch batch = GraphBatcher.batchEncoded(data.encodedGraphs(indices), manager);
    return model.graphEncoder().encode(store, batch, true);
  }

  /** Unit-length CLIP image embeddings (B, P) of the samples, without gradient. */
  private NDArray clipImageEmbeddings(int[] indices, NDManager manager) {
    NDArray pixels = imageProcessor.preprocess(data.pixelsNhwc(indices, manager));
    ClipModel clip = model.clip();
    NDArray pooled = clip.encodeImage(store, pixels, false).pooled();
    return ClipModel.l2Normalize(clip.projectImage(store, pooled, false)).stopGradient();
  }

  /** Frozen CLIP text states (B, S, Dt) and mask (B, S) of {@code texts}, without gradient. */
  private FusedCondition textStates(List<String> texts, NDManager manager) {
    TokenizedText tokens = model.tokenizer().encode(texts);
    NDArray mask = tokens.attentionMask(manager);
    NDArray states = model.clip().encodeText(store, tokens.inputIds(manager), mask, false).lastHiddenState().stopGradient();
    return new FusedCondition(states, mask.toType(DataType.FLOAT32, false));
  }

  private int[] timesteps(int batch, NDManager manager) {
    long[] drawn =
        manager.randomInteger(0, schedule.numTrainTimesteps(), new Shape(batch), DataType.INT64).toLongArray();
    int[] out = new int[batch];
    for (int i = 0; i < batch; i++) {
      out[i] = (int) drawn[i];
    }
    return out;
  }

  private static Map<String, Float> losses(String name, NDArray loss, AdamW.Outcome outcome) {
    Map<String, Float> losses = new LinkedHashMap<>();
    losses.put(name, loss.getFloat());
    losses.put("gradNorm", (float) outcome.gradientNorm());
    return losses;
  }

  @Override
  public void close() {
    optimizers.values().forEach(AdamW::close);
    if (ema != null) {
      ema.close();
    }
  }
}
