package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.GridPositionEmbedding;
import io.graphpaint.model.nn.GroupNorm;
import io.graphpaint.model.nn.MultiHeadAttention;

/**
 * Attention over the pixels of a feature map, then from the pixels to the condition sequence,
 * both pre-normalized and residual:
 *
 * <pre>
 *   h = x + attn1(tokens(norm1(x)))                       self-attention over H*W positions
 *   h = h + attn2(tokens(norm2(h)), cond, condMask)       cross-attention to S_cond
 * </pre>
 *
 * where tokens() maps (B, C, H, W) to (B, H*W, C). With a position embedding, tokens() adds the
 * fixed 2D sine-cosine embedding of each pixel's row and column ({@link GridPositionEmbedding}) to
 * the normalized tokens of both attentions, so the queries, keys and values know where each pixel
 * is; without one, both attentions are blind to it. Inputs [x (B, C, H, W), cond (B, L, C_cond),
 * optional condMask (B, L)]; output (B, C, H, W). Children: {@code norm1, attn1, norm2, attn2}.
 */
public final class SpatialAttention extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int channels;
  private final GroupNorm norm1;
  private final MultiHeadAttention selfAttention;
  private final GroupNorm norm2;
  private final MultiHeadAttention crossAttention;
  private final GridPositionEmbedding positions;

  SpatialAttention(int channels, int conditionDim, int heads, int normGroups, boolean positionEmbedding) {
    super(VERSION);
    this.channels = channels;
    this.positions = positionEmbedding ? new GridPositionEmbedding(channels) : null;
    this.norm1 =
        addChildBlock(
            "norm1", GroupNorm.builder().setNumGroups(normGroups).setNumChannels(channels).build());
    this.selfAttention =
        addChildBlock(
            "attn1", MultiHeadAttention.builder().setQueryDim(channels).setNumHeads(heads).build());
    this.norm2 =
        addChildBlock(
            "norm2", GroupNorm.builder().setNumGroups(normGroups).setNumChannels(channels).build());
    this.crossAttention =
        addChildBlock(
            "attn2",
            MultiHeadAttention.builder()
                .setQueryDim(channels)
                .optContextDim(conditionDim)
                .setNumHeads(heads)
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray condition = inputs.get(1);
    NDArray conditionMask = inputs.size() > 2 ? inputs.get(2) : null;
    Shape shape = x.getShape();
    if (shape.dimension() != 4 || shape.get(1) != channels) {
      throw new IllegalArgumentException(
          "spatial attention input must be (B, " + channels + ", H, W), got " + shape);
    }
    NDArray tokens = positioned(toTokens(norm1.forward(ps, new NDList(x), training).singletonOrThrow()), shape);
    NDArray attended = selfAttention.attend(ps, tokens, tokens, null, training);
    NDArray h = x.add(toMap(attended, shape));
    NDArray queries = positioned(toTokens(norm2.forward(ps, new NDList(h), training).singletonOrThrow()), shape);
    NDArray crossed = crossAttention.attend(ps, queries, condition, conditionMask, training);
    return new NDList(h.add(toMap(crossed, shape)));
  }

  /** Tokens (B, H*W, C) of a map of {@code mapShape} with the position embedding added, if any. */
  private NDArray positioned(NDArray tokens, Shape mapShape) {
    if (positions == null) {
      return tokens;
    }
    return tokens.add(positions.embed(tokens.getManager(), (int) mapShape.get(2), (int) mapShape.get(3)));
  }

  /** Whether the pixels' positions are added to the attention tokens. */
  boolean hasPositionEmbedding() {
    return positions != null;
  }

  /** (B, C, H, W) -> (B, H*W, C). */
  static NDArray toTokens(NDArray map) {
    Shape s = map.getShape();
    return map.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1);
  }

  /** (B, H*W, C) -> (B, C, H, W). */
  static NDArray toMap(NDArray tokens, Shape mapShape) {
    return tokens.transpose(0, 2, 1).reshape(mapShape);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
    norm1.initialize(manager, dataType, new Shape(1, channels, 4, 4));
    selfAttention.initialize(manager, dataType, new Shape(1, 16, channels));
    norm2.initialize(manager, dataType, new Shape(1, channels, 4, 4));
    crossAttention.initialize(
        manager, dataType, new Shape(1, 16, channels), new Shape(1, 1, crossAttention.contextDim()));
  }
}
