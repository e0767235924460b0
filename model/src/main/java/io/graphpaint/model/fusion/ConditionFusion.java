package io.graphpaint.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the conditioning sequence {@code S_cond} from the CLIP text tokens of the object-label
 * prompt and the graph encoder's vectors.
 *
 * <p>The global graph vector G_global (B, Dg) goes through a learned {@code Linear(Dg -> K * Dt)}
 * to K graph tokens (B, K, Dt). This projection is a parameter of the model, trained with it (the
 * authors' code re-created its 512 -> 768 projection at random on every step, so the UNet never
 * saw a stable graph signal). In {@link FusionMode#APPEND_LOCAL} each object's local vector goes
 * through its own {@code Linear(Dg -> Dt)}, in {@link FusionMode#APPEND_TRIPLES} each triple's
 * {@code [v_s; v_p; v_o]} through a {@code Linear(3 Dg -> Dt)}.
 *
 * <p>Classifier-free guidance needs an empty condition of the same length: the null condition is
 * a learned token at position 0 (mask 1) followed by zeros (mask 0). In training each sample's
 * condition is replaced by it with probability {@code conditionDropout}, drawn from the engine's
 * random generator so that a seeded run repeats.
 *
 * <p>Forward as a block: inputs {@code [textTokens (B,L,Dt), textMask (B,L), graphGlobal (B,Dg),
 * localTokens (B,M,Dl), localMask (B,M)]} (the last two only in modes with local tokens, the graph
 * only when the mode uses it), outputs {@code [tokens (B,L',Dt), mask (B,L')]}.
 */
public final class ConditionFusion extends AbstractBlock {

  private static final byte VERSION = 1;

  private final FusionConfig config;
  private final Linear globalProjection;
  private final Linear localProjection;
  private final Parameter nullToken;

  public ConditionFusion(FusionConfig config) {
    super(VERSION);
    this.config = config;
    if (config.mode().usesGraph()) {
      globalProjection =
          addChildBlock(
              "globalProjection",
              Linear.builder().setUnits((long) config.graphTokens() * config.textSize()).build());
    } else {
      globalProjection = null;
    }
    localProjection =
        config.mode().usesLocalTokens()
            ? addChildBlock(
                config.mode() == FusionMode.APPEND_TRIPLES ? "tripleProjection" : "objectProjection",
                Linear.builder().setUnits(config.textSize()).build())
            : null;
    nullToken =
        addParameter(
            Parameter.builder()
                .setName("nullToken")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.textSize()))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
  }

  public FusionConfig config() {
    return config;
  }

  /**
   * Fuses text and graph tokens; in training, applies condition dropout.
   *
   * @param training true to drop whole conditions with probability {@code conditionDropout}
   */
  public FusedCondition fuse(ParameterStore store, ConditionInput input, boolean training) {
    FusedCondition fused = fuseWithoutDropout(store, input);
    if (!training || config.conditionDropout() == 0) {
      return fused;
    }
    return dropConditions(store, fused);
  }

  /**
   * Classifier-free-guidance dropout of any condition (e.g. caption tokens alone): each sample is
   * replaced by the null condition with probability {@code conditionDropout}, drawn from the
   * engine's generator.
   */
  public FusedCondition dropConditions(ParameterStore store, FusedCondition fused) {
    if (config.conditionDropout() == 0) {
      return fused;
    }
    NDManager manager = fused.tokens().getManager();
    NDArray drop =
        manager
            .randomUniform(0f, 1f, new Shape(fused.batchSize()))
            .lt((float) config.conditionDropout())
            .toType(DataType.FLOAT32, false); // (B) 1 = use the null condition
    return replaceWithNull(store, fused, drop);
  }

  /**
   * Label dropout: each sample's text tokens (B, L, Dt) with mask (B, L) are masked out (tokens
   * zeroed, mask 0) with probability {@code probability}, drawn from the engine's generator. Fused
   * afterwards, such a sample is conditioned on its graph tokens alone, so the UNet has to read
   * them; only for modes with graph tokens, since a condition must keep a token to attend to.
   */
  public FusedCondition dropText(FusedCondition text, double probability) {
    if (!(probability >= 0 && probability < 1)) {
      throw new IllegalArgumentException("label dropout must be within [0, 1), got " + probability);
    }
    if (probability == 0) {
      return text;
    }
    requireGraphTokensForLabelDropout(config.mode(), probability);
    int batch = text.batchSize();
    NDArray keep =
        text.tokens()
            .getManager()
            .randomUniform(0f, 1f, new Shape(batch))
            .gte((float) probability)
            .toType(DataType.FLOAT32, false); // (B) 0 = text masked out
    return new FusedCondition(text.tokens().mul(keep.reshape(batch, 1, 1)), text.mask().mul(keep.reshape(batch, 1)));
  }

  /** Refuses label dropout {@code probability} > 0 for a mode without graph tokens, saying which modes have them. */
  public static void requireGraphTokensForLabelDropout(FusionMode mode, double probability) {
    if (probability > 0 && !mode.usesGraph()) {
      throw new IllegalArgumentException("label dropout " + probability + " leaves a sample only its graph tokens, and "
          + mode + " fusion has none: use one of " + java.util.Arrays.stream(FusionMode.values()).filter(FusionMode::usesGraph)
          .map(Enum::name).collect(java.util.stream.Collectors.joining(", ")) + ", or label dropout 0");
    }
  }

  /** The fused condition, never dropped (sampling, evaluation). */
  public FusedCondition fuseWithoutDropout(ParameterStore store, ConditionInput input) {
    checkInput(input);
    NDArray text = input.textTokens(); // (B, L, Dt)
    NDArray textMask = input.textMask().toType(DataType.FLOAT32, false); // (B, L)
    int batch = input.batchSize();
    int length = input.textLength();
    if (config.mode() == FusionMode.TEXT_ONLY) {
      return new FusedCondition(text, textMask);
    }
    NDArray graphTokens =
        globalProjection
            .forward(store, new NDList(input.graphGlobal()), false)
            .head()
            .reshape(batch, config.graphTokens(), config.textSize()); // (B, K, Dt)
    NDArray graphMask = text.getManager().ones(new Shape(batch, config.graphTokens())); // (B, K)
    return switch (config.mode()) {
      case APPEND ->
          new FusedCondition(text.concat(graphTokens, 1), textMask.concat(graphMask, 1));
      case INTERLEAVE -> interleave(text, textMask, graphTokens, graphMask, length);
      case APPEND_LOCAL, APPEND_TRIPLES -> {
        NDArray local =
            localProjection.forward(store, new NDList(input.localTokens()), false).head(); // (B, M, Dt)
        NDArray localMask = input.localMask().toType(DataType.FLOAT32, false); // (B, M)
        yield new FusedCondition(
            NDArrays.concat(new NDList(text, graphTokens, local), 1),
            NDArrays.concat(new NDList(textMask, graphMask, localMask), 1));
      }
      case TEXT_ONLY -> throw new IllegalStateException("handled above");
    };
  }

  /**
   * The empty condition: (B, length, Dt) with the learned null token at position 0 and zeros
   * after it; mask 1 at position 0 only (so attention always has one key to attend to).
   */
  public FusedCondition nullCondition(ParameterStore store, NDManager manager, int batch, int length) {
    if (batch < 1 || length < 1) {
      throw new IllegalArgumentException(
          "null condition needs batch >= 1 and length >= 1, got " + batch + " and " + length);
    }
    NDArray token = store.getValue(nullToken, manager.getDevice(), false); // (Dt)
    NDArray first = token.reshape(1, 1, config.textSize()).broadcast(batch, 1, config.textSize());
    NDArray tokens =
        length == 1
            ? first
            : first.concat(manager.zeros(new Shape(batch, length - 1, config.textSize())), 1);
    NDArray mask =
        manager.ones(new Shape(batch, 1)).concat(manager.zeros(new Shape(batch, length - 1)), 1);
    return new FusedCondition(tokens, mask);
  }

  /**
   * Replaces the condition of the samples where {@code drop} (B) is 1 by the null condition.
   * Blended arithmetically, so gradients reach both the condition and the null token.
   */
  public FusedCondition replaceWithNull(ParameterStore store, FusedCondition fused, NDArray drop) {
    int batch = fused.batchSize();
    if (!drop.getShape().equals(new Shape(batch))) {
      throw new IllegalArgumentException("drop must be (B) = (" + batch + "), got " + drop.getShape());
    }
    NDManager manager = fused.tokens().getManager();
    FusedCondition empty = nullCondition(store, manager, batch, fused.length());
    NDArray dropTokens = drop.reshape(batch, 1, 1);
    NDArray dropMask = drop.reshape(batch, 1);
    NDArray keepTokens = dropTokens.neg().add(1f);
    NDArray keepMask = dropMask.neg().add(1f);
    return new FusedCondition(
        fused.tokens().mul(keepTokens).add(empty.tokens().mul(dropTokens)),
        fused.mask().mul(keepMask).add(empty.mask().mul(dropMask)));
  }

  /**
   * Output positions of the interleaved sequence, as indices into {@code concat(text, graph)}: text
   * token i is followed by every graph token j with {@code floor((j + 1) L / K) - 1 == i}, so K = L
   * alternates {@code t0 g0 t1 g1 ...} and fewer graph tokens spread evenly, the last one after the
   * last text token.
   */
  public static int[] interleaveOrder(int textLength, int graphTokens) {
    if (graphTokens > textLength) {
      throw new IllegalArgumentException(
          "INTERLEAVE needs graphTokens <= text length, got "
              + graphTokens
              + " graph tokens for "
              + textLength
              + " text tokens");
    }
    int[] order = new int[textLength + graphTokens];
    int next = 0;
    int graph = 0;
    for (int i = 0; i < textLength; i++) {
      order[next++] = i;
      while (graph < graphTokens && (int) ((long) (graph + 1) * textLength / graphTokens) - 1 == i) {
        order[next++] = textLength + graph++;
      }
    }
    return order;
  }

  private static FusedCondition interleave(
      NDArray text, NDArray textMask, NDArray graphTokens, NDArray graphMask, int length) {
    NDArray allTokens = text.concat(graphTokens, 1); // (B, L + K, Dt)
    NDArray allMask = textMask.concat(graphMask, 1); // (B, L + K)
    int[] order = interleaveOrder(length, Math.toIntExact(graphTokens.getShape().get(1)));
    List<NDArray> tokenSlices = new ArrayList<>(order.length);
    List<NDArray> maskSlices = new ArrayList<>(order.length);
    for (int position : order) {
      tokenSlices.add(allTokens.get(new NDIndex(":, {}:{}", position, position + 1)));
      maskSlices.add(allMask.get(new NDIndex(":, {}:{}", position, position + 1)));
    }
    return new FusedCondition(
        NDArrays.concat(new NDList(tokenSlices), 1), NDArrays.concat(new NDList(maskSlices), 1));
  }

  private void checkInput(ConditionInput input) {
    long textSize = input.textTokens().getShape().get(2);
    if (textSize != config.textSize()) {
      throw new IllegalArgumentException(
          "text tokens must have width Dt = " + config.textSize() + ", got " + textSize);
    }
    if (config.mode().usesGraph()) {
      if (input.graphGlobal() == null) {
        throw new IllegalArgumentException(config.mode() + " fusion needs graphGlobal (B, Dg)");
      }
      if (input.graphGlobal().getShape().get(1) != config.graphSize()) {
        throw new IllegalArgumentException(
            "graphGlobal must have width Dg = " + config.graphSize() + ", got "
                + input.graphGlobal().getShape());
      }
    }
    if (config.mode().usesLocalTokens()) {
      String what = config.mode() == FusionMode.APPEND_TRIPLES ? "one per triple, [v_s; v_p; v_o]" : "one per object";
      int width = config.mode().localWidth(config.graphSize());
      if (input.localTokens() == null) {
        throw new IllegalArgumentException(config.mode() + " fusion needs localTokens (B, M, " + width + "), " + what
            + ", and localMask (B, M)");
      }
      if (input.localTokens().getShape().get(2) != width) {
        throw new IllegalArgumentException(config.mode() + " fusion needs localTokens of width " + width + " ("
            + what + ", Dg = " + config.graphSize() + "), got " + input.localTokens().getShape());
      }
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray graph = inputs.size() > 2 ? inputs.get(2) : null;
    NDArray local = inputs.size() > 4 ? inputs.get(3) : null;
    NDArray localMask = inputs.size() > 4 ? inputs.get(4) : null;
    FusedCondition fused =
        fuse(parameterStore, new ConditionInput(inputs.get(0), inputs.get(1), graph, local, localMask), training);
    return new NDList(fused.tokens(), fused.mask());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    int length = Math.toIntExact(inputShapes[0].get(1));
    int local = inputShapes.length > 4 ? Math.toIntExact(inputShapes[3].get(1)) : 0;
    int fused = config.fusedLength(length, local);
    return new Shape[] {new Shape(batch, fused, config.textSize()), new Shape(batch, fused)};
  }

  /**
   * Creates the parameters. Shapes: {@code [text (B,L,Dt), textMask (B,L), graphGlobal (B,Dg)]};
   * only Dt and Dg matter.
   */
  public void initialize(NDManager manager) {
    initialize(
        manager,
        DataType.FLOAT32,
        new Shape(1, 1, config.textSize()),
        new Shape(1, 1),
        new Shape(1, config.graphSize()));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    if (globalProjection != null) {
      globalProjection.initialize(manager, dataType, new Shape(1, config.graphSize()));
    }
    if (localProjection != null) {
      localProjection.initialize(manager, dataType, new Shape(1, 1, config.mode().localWidth(config.graphSize())));
    }
  }
}
