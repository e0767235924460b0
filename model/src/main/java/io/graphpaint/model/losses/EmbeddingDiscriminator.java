package io.graphpaint.model.losses;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The alignment discriminator of stage 1: tells CLIP image embeddings (real) from graph
 * embeddings (fake). An MLP whose hidden layers are {@code Linear -> BatchNorm -> LeakyReLU(0.2)
 * -> Dropout(0.3)}, ending in one logit (no sigmoid: the loss takes logits, see {@link GanLoss}).
 *
 * <p>Input (B, D) -> output (B, 1) logits. Give it real and fake embeddings in ONE batch
 * ({@code concat(real, fake)}): BatchNorm run on each set alone would normalise away the very
 * shift of the mean that tells them apart.
 */
public final class EmbeddingDiscriminator extends AbstractBlock {

  private static final byte VERSION = 1;

  /**
   * @param inputSize embedding size D
   * @param hiddenSizes widths of the hidden layers, at least one
   * @param leakySlope negative slope of the LeakyReLU, in (0, 1)
   * @param dropout dropout probability, in [0, 1)
   */
  public record Config(int inputSize, List<Integer> hiddenSizes, float leakySlope, float dropout) {

    public Config {
      if (inputSize < 1) {
        throw new IllegalArgumentException("inputSize must be >= 1, got " + inputSize);
      }
      if (hiddenSizes == null || hiddenSizes.isEmpty()) {
        throw new IllegalArgumentException("hiddenSizes must list at least one width");
      }
      for (Integer width : hiddenSizes) {
        if (width == null || width < 1) {
          throw new IllegalArgumentException("hiddenSizes must all be >= 1, got " + hiddenSizes);
        }
      }
      if (!(leakySlope > 0f && leakySlope < 1f)) {
        throw new IllegalArgumentException("leakySlope must be within (0, 1), got " + leakySlope);
      }
      if (!(dropout >= 0f && dropout < 1f)) {
        throw new IllegalArgumentException("dropout must be within [0, 1), got " + dropout);
      }
      hiddenSizes = List.copyOf(hiddenSizes);
    }

    /** The paper's layout: one hidden layer of 256, LeakyReLU 0.2, dropout 0.3. */
    public static Config paper(int inputSize) {
      return new Config(inputSize, List.of(256), 0.2f, 0.3f);
    }
  }

  private final Config config;
  private final List<Linear> hiddenLinears = new ArrayList<>();
  private final List<BatchNorm> hiddenNorms = new ArrayList<>();
  private final List<Dropout> hiddenDropouts = new ArrayList<>();
  private final Linear output;

  public EmbeddingDiscriminator(Config config) {
    super(VERSION);
    this.config = config;
    for (int i = 0; i < config.hiddenSizes().size(); i++) {
      int width = config.hiddenSizes().get(i);
      // state-dict names hidden.{i}.linear.weight, hidden.{i}.norm.gamma, ...
      hiddenLinears.add(addChildBlock("hidden." + i + ".linear", Linear.builder().setUnits(width).build()));
      hiddenNorms.add(addChildBlock("hidden." + i + ".norm", BatchNorm.builder().optAxis(1).build()));
      hiddenDropouts.add(addChildBlock("hidden." + i + ".dropout", Dropout.builder().optRate(config.dropout()).build()));
    }
    this.output = addChildBlock("output", Linear.builder().setUnits(1).build());
  }

  public Config config() {
    return config;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    Shape shape = inputs.singletonOrThrow().getShape();
    if (shape.dimension() != 2 || shape.get(1) != config.inputSize()) {
      throw new IllegalArgumentException(
          "discriminator input must be (B, " + config.inputSize() + "), got " + shape);
    }
    NDList x = inputs;
    for (int i = 0; i < hiddenLinears.size(); i++) {
      x = hiddenLinears.get(i).forward(parameterStore, x, training, params);
      x = hiddenNorms.get(i).forward(parameterStore, x, training, params);
      x = new NDList(Activation.leakyRelu(x.singletonOrThrow(), config.leakySlope()));
      x = hiddenDropouts.get(i).forward(parameterStore, x, training, params);
    }
    return output.forward(parameterStore, x, training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape shape = inputShapes[0];
    for (int i = 0; i < hiddenLinears.size(); i++) {
      hiddenLinears.get(i).initialize(manager, dataType, shape);
      shape = hiddenLinears.get(i).getOutputShapes(new Shape[] {shape})[0];
      hiddenNorms.get(i).initialize(manager, dataType, shape);
      hiddenDropouts.get(i).initialize(manager, dataType, shape);
    }
    output.initialize(manager, dataType, shape);
  }
}
