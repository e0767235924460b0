package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/** {@code torch.nn.LayerNorm} over the last axis, with parameters named {@code weight}/{@code bias}. */
public final class TorchLayerNorm extends StateDictBlock {

  private final long size;
  private final float eps;
  private final Parameter weight;
  private final Parameter bias;

  public TorchLayerNorm(long size, float eps) {
    if (size <= 0 || !(eps > 0)) {
      throw new IllegalArgumentException("LayerNorm needs size > 0 and eps > 0, got " + size + ", " + eps);
    }
    this.size = size;
    this.eps = eps;
    this.weight =
        addNamedParameter("weight", Parameter.Type.GAMMA, new Shape(size), new ConstantInitializer(1f));
    this.bias =
        addNamedParameter("bias", Parameter.Type.BETA, new Shape(size), new ConstantInitializer(0f));
  }

  /**
   * (..., size) -> (..., size): {@code (x - mean) / sqrt(var + eps) * weight + bias}, biased
   * variance over the last axis. Composed from elementwise ops: the engine's fused layer norm
   * measured 25+ ms per call on small arrays here, the composition well under 1 ms.
   */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    int[] last = {-1};
    NDArray centered = x.sub(x.mean(last, true));
    NDArray variance = centered.square().mean(last, true);
    return centered
        .div(variance.add(eps).sqrt())
        .mul(value(ps, weight, x, training))
        .add(value(ps, bias, x, training));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
