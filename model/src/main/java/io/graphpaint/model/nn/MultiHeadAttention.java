package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017), self or cross, composed from
 * matMul, scaling, softmax and matMul (the engine has no fused attention):
 * {@code softmax(Q K^T / sqrt(d) + mask) V} per head, then an output projection.
 *
 * <p>Inputs: {@code [x]} for self-attention, {@code [x, context]} for cross-attention, or {@code
 * [x, context, keyMask]}:
 *
 * <ul>
 *   <li>x (B, N, queryDim): the queries;
 *   <li>context (B, L, contextDim): keys and values (pass x again for masked self-attention);
 *   <li>keyMask (B, L): 1 (or true) for keys to attend to, 0 for padding. A query whose keys are
 *       all padding attends uniformly.
 * </ul>
 *
 * Output (B, N, queryDim). Children (diffusers' names): {@code to_q}, {@code to_k}, {@code to_v}
 * (no bias) and {@code to_out} (with bias).
 */
public final class MultiHeadAttention extends AbstractBlock {

  private static final byte VERSION = 1;
  /** Added to the scores of padded keys; exp() of it underflows to exactly 0 in float32. */
  private static final float MASKED_SCORE = -1e9f;

  private final int queryDim;
  private final int contextDim;
  private final int numHeads;
  private final int headDim;
  private final Linear toQuery;
  private final Linear toKey;
  private final Linear toValue;
  private final Linear toOut;

  private MultiHeadAttention(Builder builder) {
    super(VERSION);
    this.queryDim = builder.queryDim;
    this.contextDim = builder.contextDim > 0 ? builder.contextDim : builder.queryDim;
    this.numHeads = builder.numHeads;
    this.headDim = builder.headDim > 0 ? builder.headDim : builder.queryDim / builder.numHeads;
    int inner = numHeads * headDim;
    this.toQuery = addChildBlock("to_q", Linear.builder().setUnits(inner).optBias(false).build());
    this.toKey = addChildBlock("to_k", Linear.builder().setUnits(inner).optBias(false).build());
    this.toValue = addChildBlock("to_v", Linear.builder().setUnits(inner).optBias(false).build());
    this.toOut = addChildBlock("to_out", Linear.builder().setUnits(queryDim).optBias(true).build());
  }

  public static Builder builder() {
    return new Builder();
  }

  public int queryDim() {
    return queryDim;
  }

  public int contextDim() {
    return contextDim;
  }

  public int numHeads() {
    return numHeads;
  }

  public int headDim() {
    return headDim;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray context = inputs.size() > 1 ? inputs.get(1) : x;
    NDArray keyMask = inputs.size() > 2 ? inputs.get(2) : null;
    return new NDList(attend(ps, x, context, keyMask, training));
  }

  /**
   * Attention of x over context.
   *
   * @param x (B, N, queryDim)
   * @param context (B, L, contextDim)
   * @param keyMask (B, L) or null for no padding
   * @return (B, N, queryDim), attached to x's manager
   */
  public NDArray attend(
      ParameterStore ps, NDArray x, NDArray context, NDArray keyMask, boolean training) {
    Shape xShape = x.getShape();
    Shape cShape = context.getShape();
    if (xShape.dimension() != 3 || xShape.get(2) != queryDim) {
      throw new IllegalArgumentException(
          "attention queries must be (B, N, " + queryDim + "), got " + xShape);
    }
    if (cShape.dimension() != 3 || cShape.get(2) != contextDim || cShape.get(0) != xShape.get(0)) {
      throw new IllegalArgumentException(
          "attention context must be (B=" + xShape.get(0) + ", L, " + contextDim + "), got "
              + cShape);
    }
    long batch = xShape.get(0);
    long queries = xShape.get(1);
    long keys = cShape.get(1);
    // Intermediates stay in x's manager (the caller's step scope); keys and values are moved
    // there because DJL would attach them to the long-lived context's manager.
    NDArray q = splitHeads(toQuery.forward(ps, new NDList(x), training).singletonOrThrow());
    NDArray k =
        splitHeads(
            Managed.onManagerOf(
                x, toKey.forward(ps, new NDList(context), training).singletonOrThrow()));
    NDArray v =
        splitHeads(
            Managed.onManagerOf(
                x, toValue.forward(ps, new NDList(context), training).singletonOrThrow()));
    // (B*H, N, L)
    NDArray scale = Managed.scalar(x, (float) (1.0 / Math.sqrt(headDim)));
    NDArray scores = q.batchMatMul(k.transpose(0, 2, 1)).mul(scale);
    if (keyMask != null) {
      scores = applyKeyMask(scores, keyMask, batch, queries, keys);
    }
    NDArray perHead = scores.softmax(-1).batchMatMul(v);
    // (B*H, N, d) -> (B, H, N, d) -> (B, N, H, d) -> (B, N, H*d)
    NDArray merged =
        perHead
            .reshape(batch, numHeads, queries, headDim)
            .transpose(0, 2, 1, 3)
            .reshape(batch, queries, (long) numHeads * headDim);
    return toOut.forward(ps, new NDList(merged), training).singletonOrThrow();
  }

  /** (B, S, H*d) -> (B*H, S, d). */
  private NDArray splitHeads(NDArray projected) {
    Shape shape = projected.getShape();
    long batch = shape.get(0);
    long length = shape.get(1);
    return projected
        .reshape(batch, length, numHeads, headDim)
        .transpose(0, 2, 1, 3)
        .reshape(batch * numHeads, length, headDim);
  }

  /** Adds -1e9 to the scores (B*H, N, L) of padded keys. */
  private NDArray applyKeyMask(
      NDArray scores, NDArray keyMask, long batch, long queries, long keys) {
    if (!keyMask.getShape().equals(new Shape(batch, keys))) {
      throw new IllegalArgumentException(
          "keyMask must be (B=" + batch + ", L=" + keys + "), got " + keyMask.getShape());
    }
    NDArray maskFloat = Managed.onManagerOf(scores, keyMask.toType(DataType.FLOAT32, true));
    // 0 for kept keys, -1e9 for padding: (B, 1, 1, L)
    NDArray bias =
        maskFloat.sub(1f).mul(Managed.scalar(scores, -MASKED_SCORE)).reshape(batch, 1, 1, keys);
    return scores
        .reshape(batch, numHeads, queries, keys)
        .add(bias)
        .reshape(batch * numHeads, queries, keys);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
    toQuery.initialize(manager, dataType, new Shape(1, queryDim));
    toKey.initialize(manager, dataType, new Shape(1, contextDim));
    toValue.initialize(manager, dataType, new Shape(1, contextDim));
    toOut.initialize(manager, dataType, new Shape(1, (long) numHeads * headDim));
  }

  /** Builder: {@code setQueryDim} and {@code setNumHeads} are required. */
  public static final class Builder {
    private int queryDim;
    private int contextDim;
    private int numHeads;
    private int headDim;

    private Builder() {}

    /** Width of the queries and of the output. */
    public Builder setQueryDim(int queryDim) {
      this.queryDim = queryDim;
      return this;
    }

    /** Width of the keys/values source for cross-attention; default queryDim (self). */
    public Builder optContextDim(int contextDim) {
      this.contextDim = contextDim;
      return this;
    }

    public Builder setNumHeads(int numHeads) {
      this.numHeads = numHeads;
      return this;
    }

    /** Width of one head; default queryDim / numHeads. */
    public Builder optHeadDim(int headDim) {
      this.headDim = headDim;
      return this;
    }

    public MultiHeadAttention build() {
      if (queryDim < 1) {
        throw new IllegalArgumentException("queryDim must be >= 1, got " + queryDim);
      }
      if (contextDim < 0) {
        throw new IllegalArgumentException("contextDim must be >= 1, got " + contextDim);
      }
      if (numHeads < 1) {
        throw new IllegalArgumentException("numHeads must be >= 1, got " + numHeads);
      }
      if (headDim < 0) {
        throw new IllegalArgumentException("headDim must be >= 1, got " + headDim);
      }
      if (headDim == 0 && queryDim % numHeads != 0) {
        throw new IllegalArgumentException(
            "queryDim " + queryDim + " must be divisible by numHeads " + numHeads
                + " (or set headDim)");
      }
      return new MultiHeadAttention(this);
    }
  }
}
