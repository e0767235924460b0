package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.GroupNorm;
import io.graphpaint.model.nn.Managed;

/**
 * DDPM's residual block with the time embedding added between the two convolutions:
 *
 * <pre>
 *   h = conv1(SiLU(norm1(x))) + time_emb_proj(SiLU(temb))[:, :, None, None]
 *   h = conv2(dropout(SiLU(norm2(h))))
 *   out = h + (x, or conv_shortcut(x) when the width changes)
 * </pre>
 *
 * Inputs [x (B, C_in, H, W), temb (B, T)]; output (B, C_out, H, W). Children (diffusers'
 * ResnetBlock2D names): {@code norm1, conv1, time_emb_proj, norm2, conv2[, conv_shortcut]}.
 */
public final class ResidualBlock extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int inChannels;
  private final int outChannels;
  private final int timeEmbedDim;
  private final float dropout;
  private final GroupNorm norm1;
  private final Conv2d conv1;
  private final Linear timeProjection;
  private final GroupNorm norm2;
  private final Conv2d conv2;
  private final Conv2d shortcut;

  ResidualBlock(int inChannels, int outChannels, int timeEmbedDim, int normGroups, float dropout) {
    super(VERSION);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.timeEmbedDim = timeEmbedDim;
    this.dropout = dropout;
    this.norm1 =
        addChildBlock(
            "norm1", GroupNorm.builder().setNumGroups(normGroups).setNumChannels(inChannels).build());
    this.conv1 = addChildBlock("conv1", conv3x3(outChannels));
    this.timeProjection =
        addChildBlock("time_emb_proj", Linear.builder().setUnits(outChannels).build());
    this.norm2 =
        addChildBlock(
            "norm2",
            GroupNorm.builder().setNumGroups(normGroups).setNumChannels(outChannels).build());
    this.conv2 = addChildBlock("conv2", conv3x3(outChannels));
    this.shortcut =
        inChannels == outChannels
            ? null
            : addChildBlock(
                "conv_shortcut",
                Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(outChannels).build());
  }

  static Conv2d conv3x3(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .setFilters(filters)
        .build();
  }

  /** SiLU; not {@code Activation.swish(x, 1f)}, whose scalar factor is unsafe under autograd. */
  static NDArray silu(NDArray x) {
    return Managed.silu(x);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray timeEmbedding = inputs.get(1);
    if (x.getShape().dimension() != 4 || x.getShape().get(1) != inChannels) {
      throw new IllegalArgumentException(
          "residual block input must be (B, " + inChannels + ", H, W), got " + x.getShape());
    }
    NDArray h = norm1.forward(ps, new NDList(x), training).singletonOrThrow();
    h = conv1.forward(ps, new NDList(silu(h)), training).singletonOrThrow();
    // (B, T) -> (B, C_out, 1, 1)
    NDArray time =
        Managed.onManagerOf(
            x,
            timeProjection
                .forward(ps, new NDList(silu(timeEmbedding)), training)
                .singletonOrThrow());
    h = h.add(time.reshape(time.getShape().get(0), outChannels, 1, 1));
    h = silu(norm2.forward(ps, new NDList(h), training).singletonOrThrow());
    if (training && dropout > 0) {
      h = Dropout.dropout(h, dropout, true).singletonOrThrow();
    }
    h = conv2.forward(ps, new NDList(h), training).singletonOrThrow();
    NDArray skip =
        shortcut == null ? x : shortcut.forward(ps, new NDList(x), training).singletonOrThrow();
    return new NDList(h.add(skip));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), outChannels, s.get(2), s.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
    norm1.initialize(manager, dataType, new Shape(1, inChannels, 4, 4));
    conv1.initialize(manager, dataType, new Shape(1, inChannels, 4, 4));
    timeProjection.initialize(manager, dataType, new Shape(1, timeEmbedDim));
    norm2.initialize(manager, dataType, new Shape(1, outChannels, 4, 4));
    conv2.initialize(manager, dataType, new Shape(1, outChannels, 4, 4));
    if (shortcut != null) {
      shortcut.initialize(manager, dataType, new Shape(1, inChannels, 4, 4));
    }
  }
}
