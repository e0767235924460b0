package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/** {@code torch.nn.Linear}: {@code y = x W^T + b}, weight (out, in), bias (out). */
public final class TorchLinear extends StateDictBlock {

  private final long inFeatures;
  private final long outFeatures;
  private final Parameter weight;
  private final Parameter bias;

  private TorchLinear(long in, long out, boolean withBias, Initializer weightInit, Initializer biasInit) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("Linear features must be > 0, got in=" + in + ", out=" + out);
    }
    this.inFeatures = in;
    this.outFeatures = out;
    this.weight = addNamedParameter("weight", Parameter.Type.WEIGHT, new Shape(out, in), weightInit);
    this.bias =
        withBias ? addNamedParameter("bias", Parameter.Type.BIAS, new Shape(out), biasInit) : null;
  }

  /** PyTorch's default initialisation: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias. */
  public static TorchLinear of(long in, long out, boolean withBias) {
    float bound = (float) (1.0 / Math.sqrt(in));
    return new TorchLinear(
        in, out, withBias, new UniformInitializer(bound), new UniformInitializer(bound));
  }

  /** A linear layer with explicit initializers (bias initializer ignored without bias). */
  public static TorchLinear of(
      long in, long out, boolean withBias, Initializer weightInit, Initializer biasInit) {
    return new TorchLinear(in, out, withBias, weightInit, biasInit);
  }

  public long inFeatures() {
    return inFeatures;
  }

  public long outFeatures() {
    return outFeatures;
  }

  /** (..., in) -> (..., out). */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray w = value(ps, weight, x, training);
    NDArray b = bias == null ? null : value(ps, bias, x, training);
    return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {in.slice(0, in.dimension() - 1).add(outFeatures)};
  }
}
