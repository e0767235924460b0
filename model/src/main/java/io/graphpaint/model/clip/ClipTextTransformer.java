package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.StateDictBlock;
import io.graphpaint.model.nn.TorchEmbedding;
import io.graphpaint.model.nn.TorchLayerNorm;

/**
 * CLIP's text tower ({@code text_model.*}): token + position embeddings, pre-LayerNorm blocks under
 * a causal mask (plus an optional padding mask), {@code final_layer_norm}, pooled at EOS.
 */
public final class ClipTextTransformer extends StateDictBlock {

  /** Added to masked attention scores; finite so a fully masked row cannot produce NaN. */
  static final float MASKED = -1e9f;

  private final ClipTextConfig config;
  private final TorchEmbedding tokenEmbedding;
  private final TorchEmbedding positionEmbedding;
  private final ClipEncoder encoder;
  private final TorchLayerNorm finalLayerNorm;

  ClipTextTransformer(ClipTextConfig config) {
    this.config = config;
    float std = (float) (0.02 * config.initializerFactor());
    tokenEmbedding =
        addNamedChild(
            "embeddings.token_embedding",
            new TorchEmbedding(config.vocabSize(), config.hiddenSize(), new NormalInitializer(std)));
    positionEmbedding =
        addNamedChild(
            "embeddings.position_embedding",
            new TorchEmbedding(config.maxPositions(), config.hiddenSize(), new NormalInitializer(std)));
    encoder =
        addNamedChild(
            "encoder",
            new ClipEncoder(
                config.hiddenSize(), config.intermediateSize(), config.numHeads(), config.numLayers(),
                config.activation(), (float) config.layerNormEps(), config.initializerFactor()));
    finalLayerNorm =
        addNamedChild("final_layer_norm", new TorchLayerNorm(config.hiddenSize(), (float) config.layerNormEps()));
  }

  /**
   * @param inputIds (B, S) int64, S <= max_position_embeddings
   * @param attentionMask (B, S) 1 for tokens, 0 for padding; null for the causal mask alone
   */
  public ClipEncoderOutput apply(
      ParameterStore ps, NDArray inputIds, NDArray attentionMask, boolean training) {
    Shape shape = inputIds.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("input_ids must be (B, S), got " + shape);
    }
    int b = (int) shape.get(0);
    int s = (int) shape.get(1);
    if (s > config.maxPositions()) {
      throw new IllegalArgumentException(
          "sequence length " + s + " exceeds max_position_embeddings " + config.maxPositions());
    }
    long[] ids = inputIds.toType(DataType.INT64, false).toLongArray();
    for (long id : ids) {
      if (id < 0 || id >= config.vocabSize()) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside the vocabulary [0, " + config.vocabSize() + ")");
      }
    }
    NDManager manager = inputIds.getManager();
    NDArray tokens = tokenEmbedding.apply(ps, inputIds, training); // (B, S, D)
    NDArray positions =
        onManagerOf(inputIds, positionEmbedding.table(ps, inputIds, training).get(new NDIndex("0:{}", s))); // (S, D)
    NDArray hidden = tokens.add(positions);
    NDArray mask = additiveMask(manager, attentionMask, b, s); // (B|1, 1, S, S)
    NDArray last = finalLayerNorm.apply(ps, encoder.apply(ps, hidden, mask, training), training);
    NDArray select = manager.create(eosSelection(ids, b, s), new Shape(b, s, 1)); // one-hot at EOS
    NDArray pooled = last.mul(select).sum(new int[] {1}); // (B, D)
    return new ClipEncoderOutput(last, pooled);
  }

  /** Causal mask, plus -inf-like scores at padded keys when an attention mask is given. */
  private static NDArray additiveMask(NDManager manager, NDArray attentionMask, int b, int s) {
    float[] causal = new float[s * s];
    for (int i = 0; i < s; i++) {
      for (int j = i + 1; j < s; j++) {
        causal[i * s + j] = MASKED;
      }
    }
    NDArray mask = manager.create(causal, new Shape(1, 1, s, s));
    if (attentionMask == null) {
      return mask;
    }
    if (!attentionMask.getShape().equals(new Shape(b, s))) {
      throw new IllegalArgumentException(
          "attention_mask must be (" + b + ", " + s + ") like input_ids, got " + attentionMask.getShape());
    }
    float[] keep = attentionMask.toType(DataType.FLOAT32, false).toFloatArray();
    float[] padding = new float[b * s];
    for (int i = 0; i < padding.length; i++) {
      padding[i] = keep[i] > 0.5f ? 0f : MASKED;
    }
    return mask.add(manager.create(padding, new Shape(b, 1, 1, s)));
  }

  /**
   * (B, S) one-hot at the pooled position. With {@code eos_token_id == 2} (OpenAI checkpoints) the
   * position of the highest id, which is {@code <|endoftext|>}; otherwise the first position holding
   * {@code eos_token_id}, as transformers does.
   */
  private float[] eosSelection(long[] ids, int b, int s) {
    float[] select = new float[b * s];
    for (int row = 0; row < b; row++) {
      int pos = 0;
      if (config.eosTokenId() == 2) {
        for (int j = 1; j < s; j++) {
          if (ids[row * s + j] > ids[row * s + pos]) {
            pos = j;
          }
        }
      } else {
        for (int j = 0; j < s; j++) {
          if (ids[row * s + j] == config.eosTokenId()) {
            pos = j;
            break;
          }
        }
      }
      select[row * s + pos] = 1f;
    }
    return select;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    ClipEncoderOutput out = apply(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training);
    return new NDList(out.lastHiddenState(), out.pooled());
  }
}
