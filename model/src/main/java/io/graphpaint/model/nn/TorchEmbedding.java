package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** {@code torch.nn.Embedding}: a (num, dim) table named {@code weight}, looked up by int64 ids. */
public final class TorchEmbedding extends StateDictBlock {

  private final long numEmbeddings;
  private final long dim;
  private final Parameter weight;

  public TorchEmbedding(long numEmbeddings, long dim, Initializer initializer) {
    if (numEmbeddings <= 0 || dim <= 0) {
      throw new IllegalArgumentException(
          "Embedding needs num > 0 and dim > 0, got " + numEmbeddings + ", " + dim);
    }
    this.numEmbeddings = numEmbeddings;
    this.dim = dim;
    this.weight =
        addNamedParameter("weight", Parameter.Type.WEIGHT, new Shape(numEmbeddings, dim), initializer);
  }

  /** PyTorch's default initialisation N(0, 1). */
  public TorchEmbedding(long numEmbeddings, long dim) {
    this(numEmbeddings, dim, new NormalInitializer(1f));
  }

  public long numEmbeddings() {
    return numEmbeddings;
  }

  /** The whole table (num, dim), e.g. for position embeddings added by broadcasting. */
  public NDArray table(ParameterStore ps, NDArray like, boolean training) {
    return value(ps, weight, like, training);
  }

  /** ids (...) int64 -> (..., dim). */
  public NDArray apply(ParameterStore ps, NDArray ids, boolean training) {
    NDArray w = value(ps, weight, ids, training);
    NDArray longIds = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
    return ids.getNDArrayInternal().embedding(longIds, w, SparseFormat.DENSE).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(dim)};
  }
}
