package io.graphpaint.model.clip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Hugging Face {@code CLIPTextConfig} (the {@code text_config} of {@code config.json}).
 *
 * @param eosTokenId as in the config; 2 selects the OpenAI pooling rule (position of the highest
 *     token id), any other value the first position of that id
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipTextConfig(
    @JsonProperty("vocab_size") int vocabSize,
    @JsonProperty("hidden_size") int hiddenSize,
    @JsonProperty("intermediate_size") int intermediateSize,
    @JsonProperty("num_hidden_layers") int numLayers,
    @JsonProperty("num_attention_heads") int numHeads,
    @JsonProperty("max_position_embeddings") int maxPositions,
    @JsonProperty("hidden_act") String hiddenAct,
    @JsonProperty("layer_norm_eps") double layerNormEps,
    @JsonProperty("bos_token_id") int bosTokenId,
    @JsonProperty("eos_token_id") int eosTokenId,
    @JsonProperty("pad_token_id") int padTokenId,
    @JsonProperty("initializer_range") double initializerRange,
    @JsonProperty("initializer_factor") double initializerFactor) {

  /** Transformers' defaults for a missing field (those of openai/clip-vit-base-patch32). */
  public static final ClipTextConfig HF_DEFAULTS =
      new ClipTextConfig(49408, 512, 2048, 12, 8, 77, "quick_gelu", 1e-5, 49406, 49407, 1, 0.02, 1.0);

  public ClipTextConfig {
    ClipConfig.requirePositive("text_config.vocab_size", vocabSize);
    ClipConfig.requirePositive("text_config.hidden_size", hiddenSize);
    ClipConfig.requirePositive("text_config.intermediate_size", intermediateSize);
    ClipConfig.requirePositive("text_config.num_hidden_layers", numLayers);
    ClipConfig.requirePositive("text_config.num_attention_heads", numHeads);
    ClipConfig.requirePositive("text_config.max_position_embeddings", maxPositions);
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "text_config.hidden_size " + hiddenSize + " must be divisible by num_attention_heads " + numHeads);
    }
    ClipActivation.fromConfigName(hiddenAct);
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("text_config.layer_norm_eps must be > 0, got " + layerNormEps);
    }
  }

  public ClipActivation activation() {
    return ClipActivation.fromConfigName(hiddenAct);
  }
}
