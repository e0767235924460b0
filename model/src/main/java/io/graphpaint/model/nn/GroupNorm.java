package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * Group normalization (Wu and He, 2018): channels split into G groups, each normalized over its
 * channels and all spatial positions of one sample, then a per-channel affine map. The PyTorch
 * engine of DJL has no GroupNorm, so it is composed here from reshape, sum and sqrt; variance is
 * the mean of squared deviations (never negative, unlike E[x^2] - E[x]^2).
 *
 * <p>Input (B, C, ...) with C = {@code numChannels}; output the same shape. Parameters:
 * {@code weight} (C), {@code bias} (C), as in {@code torch.nn.GroupNorm}.
 */
public final class GroupNorm extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int numGroups;
  private final int numChannels;
  private final float epsilon;
  private final Parameter weight;
  private final Parameter bias;

  private GroupNorm(Builder builder) {
    super(VERSION);
    this.numGroups = builder.numGroups;
    this.numChannels = builder.numChannels;
    this.epsilon = builder.epsilon;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(numChannels))
                .build());
    this.bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(numChannels))
                .build());
  }

  public static Builder builder() {
    return new Builder();
  }

  public int numGroups() {
    return numGroups;
  }

  public int numChannels() {
    return numChannels;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray gamma = parameterStore.getValue(weight, x.getDevice(), training);
    NDArray beta = parameterStore.getValue(bias, x.getDevice(), training);
    return new NDList(groupNorm(x, gamma, beta, numGroups, epsilon));
  }

  /**
   * The functional form.
   *
   * @param x (B, C, ...)
   * @param gamma (C)
   * @param beta (C)
   * @return (B, C, ...), attached to {@code x}'s manager
   */
  public static NDArray groupNorm(
      NDArray x, NDArray gamma, NDArray beta, int numGroups, float epsilon) {
    Shape shape = x.getShape();
    if (shape.dimension() < 2) {
      throw new IllegalArgumentException("GroupNorm input must be (B, C, ...), got " + shape);
    }
    long channels = shape.get(1);
    if (channels % numGroups != 0) {
      throw new IllegalArgumentException(
          "GroupNorm: channels " + channels + " not divisible by groups " + numGroups);
    }
    if (gamma.getShape().size() != channels) {
      throw new IllegalArgumentException(
          "GroupNorm weight has " + gamma.getShape() + " but input has " + channels + " channels");
    }
    long batch = shape.get(0);
    long perGroup = shape.size() / (batch * numGroups);
    long[] affineShape = new long[shape.dimension()];
    Arrays.fill(affineShape, 1L);
    affineShape[1] = channels;
    // Means over one axis run natively; no scalar operand enters the autograd graph (see
    // Managed.scalar for why x.div(n) would be unsafe here).
    NDArray grouped = x.reshape(batch, numGroups, perGroup);
    NDArray mean = grouped.mean(new int[] {2}, true);
    NDArray centered = grouped.sub(mean);
    NDArray variance = centered.square().mean(new int[] {2}, true);
    NDArray std = variance.add(Managed.scalar(x, epsilon)).sqrt();
    NDArray normalized = centered.div(std).reshape(shape);
    NDArray scale = Managed.onManagerOf(x, gamma.reshape(new Shape(affineShape)));
    NDArray shift = Managed.onManagerOf(x, beta.reshape(new Shape(affineShape)));
    return normalized.mul(scale).add(shift);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    // parameter shapes are fixed by numChannels at construction
  }

  @Override
  public String toString() {
    return "GroupNorm(groups=" + numGroups + ", channels=" + numChannels + ")";
  }

  /** Builder: {@code setNumGroups} and {@code setNumChannels} are required. */
  public static final class Builder {
    private int numGroups;
    private int numChannels;
    private float epsilon = 1e-5f;

    private Builder() {}

    public Builder setNumGroups(int numGroups) {
      this.numGroups = numGroups;
      return this;
    }

    public Builder setNumChannels(int numChannels) {
      this.numChannels = numChannels;
      return this;
    }

    /** Added to the variance; default 1e-5 as in PyTorch. */
    public Builder optEpsilon(float epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    public GroupNorm build() {
      if (numGroups < 1) {
        throw new IllegalArgumentException("numGroups must be >= 1, got " + numGroups);
      }
      if (numChannels < 1 || numChannels % numGroups != 0) {
        throw new IllegalArgumentException(
            "numChannels must be a positive multiple of numGroups=" + numGroups + ", got "
                + numChannels);
      }
      if (!(epsilon > 0)) {
        throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
      }
      return new GroupNorm(this);
    }
  }
}
