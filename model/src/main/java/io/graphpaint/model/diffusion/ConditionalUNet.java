package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.GroupNorm;
import io.graphpaint.model.nn.Managed;
import io.graphpaint.model.nn.SinusoidalEmbedding;
import io.graphpaint.model.nn.StateDict;
import io.graphpaint.model.nn.Upsample2x;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The conditional denoiser eps_theta(x_t, t, S_cond): a DDPM UNet with residual blocks (GroupNorm
 * + SiLU, the time embedding added inside), self- and cross-attention at the configured low
 * resolutions, and skip connections from every down-path output to the up path.
 *
 * <p>Forward inputs: [x (B, inC, H, W), timesteps (B) (any numeric type), cond (B, L, C_cond),
 * optional condMask (B, L) with 1 for real tokens and 0 for padding]. Output: [eps (B, outC, H,
 * W)]. H and W must be multiples of 2^(levels-1); attention sits at the levels whose resolution
 * for a {@code sampleSize} input is listed in {@link UNetConfig#attentionResolutions()}.
 *
 * <p>Parameter names ({@link StateDict}; safetensors checkpoint keys):
 *
 * <pre>
 *   time_embedding.linear_1, time_embedding.linear_2       sinusoidal(C0) -> T -> T
 *   condition_embedding.linear_1, .linear_2                masked mean of cond (C_cond) -> T -> T,
 *                                                          added to the time embedding (only with
 *                                                          UNetConfig.pooledCondition)
 *   conv_in                                                inC -> C0, 3x3
 *   down.{i}.res.{j}   ResidualBlock (norm1, conv1, time_emb_proj, norm2, conv2, conv_shortcut)
 *   down.{i}.attn.{j}  SpatialAttention (norm1, attn1.to_q/to_k/to_v/to_out, norm2, attn2.*)
 *   down.{i}.downsample                                    3x3 stride 2 (all levels but the last)
 *   mid.res.0, mid.attn, mid.res.1
 *   (UNetConfig.positionEmbedding adds a fixed 2D sine-cosine embedding in every attention block:
 *   no parameters, no names)
 *   up.{i}.res.{j}, up.{i}.attn.{j}  (j < layersPerLevel + 1), up.{i}.upsample.conv (i > 0)
 *   norm_out, conv_out                                     C0 -> outC, 3x3
 * </pre>
 *
 * where i is the level (0 = full resolution) and each leaf has {@code weight} and, where
 * applicable, {@code bias}.
 */
public final class ConditionalUNet extends AbstractBlock {

  private static final byte VERSION = 1;

  private final UNetConfig config;
  private final SinusoidalEmbedding timeSinusoid;
  private final Linear timeLinear1;
  private final Linear timeLinear2;
  private final Linear conditionLinear1;
  private final Linear conditionLinear2;
  private final Conv2d convIn;
  private final List<List<ResidualBlock>> downResidual = new ArrayList<>();
  private final List<List<SpatialAttention>> downAttention = new ArrayList<>();
  private final List<Conv2d> downsamplers = new ArrayList<>();
  private final ResidualBlock midResidual0;
  private final SpatialAttention midAttention;
  private final ResidualBlock midResidual1;
  private final List<List<ResidualBlock>> upResidual = new ArrayList<>();
  private final List<List<SpatialAttention>> upAttention = new ArrayList<>();
  private final List<Upsample2x> upsamplers = new ArrayList<>();
  private final GroupNorm normOut;
  private final Conv2d convOut;

  private ConditionalUNet(UNetConfig config) {
    super(VERSION);
    this.config = config;
    List<Integer> widths = config.channels();
    int levels = config.levels();
    int groups = config.normGroups();
    int temb = config.timeEmbedDim();
    int heads = config.attentionHeads();
    int condDim = config.conditionDim();
    float dropout = config.dropout();

    this.timeSinusoid = SinusoidalEmbedding.diffusersUNet(widths.get(0));
    this.timeLinear1 = addChildBlock("time_embedding.linear_1", linear(temb));
    this.timeLinear2 = addChildBlock("time_embedding.linear_2", linear(temb));
    this.conditionLinear1 =
        config.pooledCondition() ? addChildBlock("condition_embedding.linear_1", linear(temb)) : null;
    this.conditionLinear2 =
        config.pooledCondition() ? addChildBlock("condition_embedding.linear_2", linear(temb)) : null;
    this.convIn = addChildBlock("conv_in", ResidualBlock.conv3x3(widths.get(0)));

    // Down path; skipWidths records the width of every tensor pushed for the up path.
    Deque<Integer> skipWidths = new ArrayDeque<>();
    skipWidths.push(widths.get(0));
    int width = widths.get(0);
    for (int level = 0; level < levels; level++) {
      List<ResidualBlock> residuals = new ArrayList<>();
      List<SpatialAttention> attentions = new ArrayList<>();
      int out = widths.get(level);
      for (int j = 0; j < config.layersPerLevel(); j++) {
        residuals.add(
            addChildBlock(
                "down." + level + ".res." + j,
                new ResidualBlock(width, out, temb, groups, dropout)));
        width = out;
        if (config.hasAttention(level)) {
          attentions.add(
              addChildBlock(
                  "down." + level + ".attn." + j,
                  new SpatialAttention(width, condDim, heads, groups, config.positionEmbedding())));
        }
        skipWidths.push(width);
      }
      downResidual.add(residuals);
      downAttention.add(attentions);
      if (level < levels - 1) {
        downsamplers.add(
            addChildBlock(
                "down." + level + ".downsample",
                Conv2d.builder()
                    .setKernelShape(new Shape(3, 3))
                    .optStride(new Shape(2, 2))
                    .optPadding(new Shape(1, 1))
                    .setFilters(width)
                    .build()));
        skipWidths.push(width);
      }
    }

    this.midResidual0 =
        addChildBlock("mid.res.0", new ResidualBlock(width, width, temb, groups, dropout));
    this.midAttention = addChildBlock("mid.attn", new SpatialAttention(width, condDim, heads, groups, config.positionEmbedding()));
    this.midResidual1 =
        addChildBlock("mid.res.1", new ResidualBlock(width, width, temb, groups, dropout));

    // Up path, lowest resolution first; stored by level index like the down path.
    for (int level = 0; level < levels; level++) {
      upResidual.add(null);
      upAttention.add(null);
      upsamplers.add(null);
    }
    for (int level = levels - 1; level >= 0; level--) {
      List<ResidualBlock> residuals = new ArrayList<>();
      List<SpatialAttention> attentions = new ArrayList<>();
      int out = widths.get(level);
      for (int j = 0; j < config.layersPerLevel() + 1; j++) {
        int in = width + skipWidths.pop();
        residuals.add(
            addChildBlock(
                "up." + level + ".res." + j, new ResidualBlock(in, out, temb, groups, dropout)));
        width = out;
        if (config.hasAttention(level)) {
          attentions.add(
              addChildBlock(
                  "up." + level + ".attn." + j,
                  new SpatialAttention(width, condDim, heads, groups, config.positionEmbedding())));
        }
      }
      upResidual.set(level, residuals);
      upAttention.set(level, attentions);
      if (level > 0) {
        upsamplers.set(level, addChildBlock("up." + level + ".upsample", new Upsample2x(width)));
      }
    }
    if (!skipWidths.isEmpty()) {
      throw new IllegalStateException("unbalanced skip connections: " + skipWidths);
    }
    this.normOut =
        addChildBlock(
            "norm_out", GroupNorm.builder().setNumGroups(groups).setNumChannels(width).build());
    this.convOut = addChildBlock("conv_out", ResidualBlock.conv3x3(config.outChannels()));
  }

  private static Linear linear(int units) {
    return Linear.builder().setUnits(units).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public UNetConfig config() {
    return config;
  }

  /**
   * Predicts the noise in {@code x}.
   *
   * @param x x_t, (B, inC, H, W)
   * @param timesteps t, (B)
   * @param condition S_cond, (B, L, C_cond)
   * @param conditionMask (B, L), 1 for real tokens, or null when none is padding
   * @return eps, (B, outC, H, W), attached to x's manager
   */
  public NDArray predictNoise(
      ParameterStore ps,
      NDArray x,
      NDArray timesteps,
      NDArray condition,
      NDArray conditionMask,
      boolean training) {
    NDList inputs =
        conditionMask == null
            ? new NDList(x, timesteps, condition)
            : new NDList(x, timesteps, condition, conditionMask);
    return forward(ps, inputs, training).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() < 3 || inputs.size() > 4) {
      throw new IllegalArgumentException(
          "ConditionalUNet takes [x, timesteps, cond] or [x, timesteps, cond, condMask], got "
              + inputs.size() + " arrays");
    }
    NDArray x = inputs.get(0);
    NDArray timesteps = Managed.onManagerOf(x, inputs.get(1).toType(DataType.FLOAT32, true));
    NDArray condition = inputs.get(2);
    NDArray conditionMask = inputs.size() > 3 ? inputs.get(3) : null;
    checkInputs(x, timesteps, condition, conditionMask);

    // (B) -> (B, C0) -> (B, T)
    NDArray temb = timeSinusoid.embed(timesteps);
    temb = timeLinear1.forward(ps, new NDList(temb), training).singletonOrThrow();
    temb = timeLinear2.forward(ps, new NDList(ResidualBlock.silu(temb)), training).singletonOrThrow();
    if (config.pooledCondition()) {
      NDArray pooled = maskedMean(condition, conditionMask); // (B, C_cond)
      pooled = conditionLinear1.forward(ps, new NDList(pooled), training).singletonOrThrow();
      pooled =
          conditionLinear2.forward(ps, new NDList(ResidualBlock.silu(pooled)), training).singletonOrThrow();
      temb = temb.add(pooled);
    }

    NDList attentionTail =
        conditionMask == null ? new NDList(condition) : new NDList(condition, conditionMask);
    Deque<NDArray> skips = new ArrayDeque<>();
    NDArray h = convIn.forward(ps, new NDList(x), training).singletonOrThrow();
    skips.push(h);
    for (int level = 0; level < config.levels(); level++) {
      for (int j = 0; j < config.layersPerLevel(); j++) {
        h = downResidual.get(level).get(j).forward(ps, new NDList(h, temb), training).head();
        if (config.hasAttention(level)) {
          h = attend(downAttention.get(level).get(j), ps, h, attentionTail, training);
        }
        skips.push(h);
      }
      if (level < config.levels() - 1) {
        h = downsamplers.get(level).forward(ps, new NDList(h), training).head();
        skips.push(h);
      }
    }
    h = midResidual0.forward(ps, new NDList(h, temb), training).head();
    h = attend(midAttention, ps, h, attentionTail, training);
    h = midResidual1.forward(ps, new NDList(h, temb), training).head();
    for (int level = config.levels() - 1; level >= 0; level--) {
      for (int j = 0; j < config.layersPerLevel() + 1; j++) {
        h = h.concat(skips.pop(), 1);
        h = upResidual.get(level).get(j).forward(ps, new NDList(h, temb), training).head();
        if (config.hasAttention(level)) {
          h = attend(upAttention.get(level).get(j), ps, h, attentionTail, training);
        }
      }
      if (level > 0) {
        h = upsamplers.get(level).forward(ps, new NDList(h), training).head();
      }
    }
    h = ResidualBlock.silu(normOut.forward(ps, new NDList(h), training).head());
    return convOut.forward(ps, new NDList(h), training);
  }

  /** The mean over the real tokens of (B, L, C): (B, C); all tokens when there is no mask. */
  public static NDArray maskedMean(NDArray condition, NDArray conditionMask) {
    if (conditionMask == null) {
      return condition.mean(new int[] {1});
    }
    NDArray mask = Managed.onManagerOf(condition, conditionMask.toType(DataType.FLOAT32, true));
    NDArray sum = condition.mul(mask.expandDims(2)).sum(new int[] {1});
    NDArray count = mask.sum(new int[] {1}, true).maximum(1f);
    return sum.div(count);
  }

  private static NDArray attend(
      SpatialAttention block, ParameterStore ps, NDArray h, NDList tail, boolean training) {
    NDList in = new NDList(h);
    in.addAll(tail);
    return block.forward(ps, in, training).head();
  }

  private void checkInputs(NDArray x, NDArray t, NDArray condition, NDArray conditionMask) {
    Shape xs = x.getShape();
    int factor = 1 << (config.levels() - 1);
    if (xs.dimension() != 4
        || xs.get(1) != config.inChannels()
        || xs.get(2) % factor != 0
        || xs.get(3) % factor != 0) {
      throw new IllegalArgumentException(
          "x must be (B, " + config.inChannels() + ", H, W) with H and W multiples of " + factor
              + ", got " + xs);
    }
    long batch = xs.get(0);
    if (!t.getShape().equals(new Shape(batch))) {
      throw new IllegalArgumentException(
          "timesteps must be (B=" + batch + "), got " + t.getShape());
    }
    Shape cs = condition.getShape();
    if (cs.dimension() != 3 || cs.get(0) != batch || cs.get(2) != config.conditionDim()) {
      throw new IllegalArgumentException(
          "cond must be (B=" + batch + ", L, C_cond=" + config.conditionDim() + "), got " + cs);
    }
    if (conditionMask != null && !conditionMask.getShape().equals(new Shape(batch, cs.get(1)))) {
      throw new IllegalArgumentException(
          "condMask must be (B=" + batch + ", L=" + cs.get(1) + "), got "
              + conditionMask.getShape());
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {new Shape(x.get(0), config.outChannels(), x.get(2), x.get(3))};
  }

  /**
   * Initializes every parameter (shapes depend only on the configuration). Parameters are
   * attached to {@code manager}; random ones come from the engine's seeded generator.
   */
  public ConditionalUNet initialize(NDManager manager) {
    initialize(
        manager,
        DataType.FLOAT32,
        new Shape(1, config.inChannels(), config.sampleSize(), config.sampleSize()),
        new Shape(1),
        new Shape(1, 1, config.conditionDim()),
        new Shape(1, 1));
    return this;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
    List<Integer> widths = config.channels();
    timeLinear1.initialize(manager, dataType, new Shape(1, widths.get(0)));
    timeLinear2.initialize(manager, dataType, new Shape(1, config.timeEmbedDim()));
    if (config.pooledCondition()) {
      conditionLinear1.initialize(manager, dataType, new Shape(1, config.conditionDim()));
      conditionLinear2.initialize(manager, dataType, new Shape(1, config.timeEmbedDim()));
    }
    convIn.initialize(manager, dataType, new Shape(1, config.inChannels(), 8, 8));
    for (int level = 0; level < config.levels(); level++) {
      for (ResidualBlock block : downResidual.get(level)) {
        block.initialize(manager, dataType);
      }
      for (SpatialAttention block : downAttention.get(level)) {
        block.initialize(manager, dataType);
      }
      if (level < config.levels() - 1) {
        downsamplers
            .get(level)
            .initialize(manager, dataType, new Shape(1, widths.get(level), 8, 8));
      }
    }
    midResidual0.initialize(manager, dataType);
    midAttention.initialize(manager, dataType);
    midResidual1.initialize(manager, dataType);
    for (int level = 0; level < config.levels(); level++) {
      for (ResidualBlock block : upResidual.get(level)) {
        block.initialize(manager, dataType);
      }
      for (SpatialAttention block : upAttention.get(level)) {
        block.initialize(manager, dataType);
      }
      if (level > 0) {
        upsamplers.get(level).initialize(manager, dataType);
      }
    }
    normOut.initialize(manager, dataType, new Shape(1, widths.get(0), 8, 8));
    convOut.initialize(manager, dataType, new Shape(1, widths.get(0), 8, 8));
  }

  /**
   * Builder: {@code setConditionDim} is required; everything else defaults to {@link
   * UNetConfig#defaults(int)}. All checks run in {@link #build()}.
   */
  public static final class Builder {
    private UNetConfig base;
    private Integer conditionDim;
    private Integer sampleSize;
    private List<Integer> channels;
    private Integer layersPerLevel;
    private Set<Integer> attentionResolutions;
    private Integer attentionHeads;
    private Integer normGroups;
    private Integer timeEmbedDim;
    private Float dropout;
    private Boolean pooledCondition;
    private Boolean positionEmbedding;
    private Integer inChannels;
    private Integer outChannels;

    private Builder() {}

    /** Starts from a whole configuration (e.g. read from a checkpoint's model.json). */
    public Builder fromConfig(UNetConfig config) {
      this.base = Objects.requireNonNull(config, "config must not be null");
      return this;
    }

    public Builder setConditionDim(int conditionDim) {
      this.conditionDim = conditionDim;
      return this;
    }

    public Builder optSampleSize(int sampleSize) {
      this.sampleSize = sampleSize;
      return this;
    }

    public Builder optChannels(List<Integer> channels) {
      this.channels = channels;
      return this;
    }

    public Builder optLayersPerLevel(int layersPerLevel) {
      this.layersPerLevel = layersPerLevel;
      return this;
    }

    public Builder optAttentionResolutions(Set<Integer> attentionResolutions) {
      this.attentionResolutions = attentionResolutions;
      return this;
    }

    public Builder optAttentionHeads(int attentionHeads) {
      this.attentionHeads = attentionHeads;
      return this;
    }

    public Builder optNormGroups(int normGroups) {
      this.normGroups = normGroups;
      return this;
    }

    public Builder optTimeEmbedDim(int timeEmbedDim) {
      this.timeEmbedDim = timeEmbedDim;
      return this;
    }

    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    /** Whether the pooled condition is added to the time embedding. */
    public Builder optPooledCondition(boolean pooled) {
      this.pooledCondition = pooled;
      return this;
    }

    /** Whether the attention layers add each pixel's 2D position embedding to their tokens. */
    public Builder optPositionEmbedding(boolean enabled) {
      this.positionEmbedding = enabled;
      return this;
    }

    public Builder optInChannels(int inChannels) {
      this.inChannels = inChannels;
      return this;
    }

    public Builder optOutChannels(int outChannels) {
      this.outChannels = outChannels;
      return this;
    }

    /** The configuration this builder describes, validated. */
    public UNetConfig buildConfig() {
      if (base == null && conditionDim == null) {
        throw new IllegalArgumentException("conditionDim must be set (setConditionDim)");
      }
      UNetConfig start = base != null ? base : UNetConfig.defaults(conditionDim);
      return new UNetConfig(
          or(sampleSize, start.sampleSize()),
          or(inChannels, start.inChannels()),
          or(outChannels, start.outChannels()),
          or(channels, start.channels()),
          or(layersPerLevel, start.layersPerLevel()),
          or(attentionResolutions, start.attentionResolutions()),
          or(conditionDim, start.conditionDim()),
          or(attentionHeads, start.attentionHeads()),
          or(normGroups, start.normGroups()),
          or(timeEmbedDim, start.timeEmbedDim()),
          or(dropout, start.dropout()),
          or(pooledCondition, start.pooledCondition()),
          or(positionEmbedding, start.positionEmbedding()));
    }

    public ConditionalUNet build() {
      return new ConditionalUNet(buildConfig());
    }

    private static <T> T or(T value, T fallback) {
      return value != null ? value : fallback;
    }
  }
}
