package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Doubles the resolution: nearest-neighbour upsampling, then a 3x3 convolution (the engine has
 * no transposed convolution; this also avoids its checkerboard artefacts).
 *
 * <p>Input (B, C, H, W); output (B, C, 2H, 2W). Child: {@code conv}.
 */
public final class Upsample2x extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final int NEAREST = 0;

  private final int channels;
  private final Conv2d conv;

  public Upsample2x(int channels) {
    super(VERSION);
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels);
    }
    this.channels = channels;
    this.conv =
        addChildBlock(
            "conv",
            Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(channels)
                .build());
  }

  /** Nearest-neighbour 2x upsampling of (B, C, H, W); differentiable. */
  public static NDArray nearest2x(NDArray x) {
    Shape shape = x.getShape();
    return x.getNDArrayInternal()
        .interpolation(new long[] {shape.get(2) * 2, shape.get(3) * 2}, NEAREST, false);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (x.getShape().dimension() != 4 || x.getShape().get(1) != channels) {
      throw new IllegalArgumentException(
          "Upsample2x input must be (B, " + channels + ", H, W), got " + x.getShape());
    }
    return conv.forward(ps, new NDList(nearest2x(x)), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), channels, s.get(2) * 2, s.get(3) * 2)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
    conv.initialize(manager, dataType, new Shape(1, channels, 4, 4));
  }
}
