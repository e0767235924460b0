package io.graphpaint.model.clip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Hugging Face {@code CLIPVisionConfig} (the {@code vision_config} of {@code config.json}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipVisionConfig(
    @JsonProperty("hidden_size") int hiddenSize,
    @JsonProperty("intermediate_size") int intermediateSize,
    @JsonProperty("num_hidden_layers") int numLayers,
    @JsonProperty("num_attention_heads") int numHeads,
    @JsonProperty("num_channels") int numChannels,
    @JsonProperty("image_size") int imageSize,
    @JsonProperty("patch_size") int patchSize,
    @JsonProperty("hidden_act") String hiddenAct,
    @JsonProperty("layer_norm_eps") double layerNormEps,
    @JsonProperty("initializer_range") double initializerRange,
    @JsonProperty("initializer_factor") double initializerFactor) {

  /** Transformers' defaults for a missing field (those of openai/clip-vit-base-patch32). */
  public static final ClipVisionConfig HF_DEFAULTS =
      new ClipVisionConfig(768, 3072, 12, 12, 3, 224, 32, "quick_gelu", 1e-5, 0.02, 1.0);

  public ClipVisionConfig {
    ClipConfig.requirePositive("vision_config.hidden_size", hiddenSize);
    ClipConfig.requirePositive("vision_config.intermediate_size", intermediateSize);
    ClipConfig.requirePositive("vision_config.num_hidden_layers", numLayers);
    ClipConfig.requirePositive("vision_config.num_attention_heads", numHeads);
    ClipConfig.requirePositive("vision_config.num_channels", numChannels);
    ClipConfig.requirePositive("vision_config.image_size", imageSize);
    ClipConfig.requirePositive("vision_config.patch_size", patchSize);
    if (imageSize % patchSize != 0) {
      throw new IllegalArgumentException(
          "vision_config.image_size " + imageSize + " must be a multiple of patch_size " + patchSize);
    }
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "vision_config.hidden_size " + hiddenSize + " must be divisible by num_attention_heads " + numHeads);
    }
    ClipActivation.fromConfigName(hiddenAct);
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("vision_config.layer_norm_eps must be > 0, got " + layerNormEps);
    }
  }

  public ClipActivation activation() {
    return ClipActivation.fromConfigName(hiddenAct);
  }

  /** Patches per side. */
  public int gridSize() {
    return imageSize / patchSize;
  }

  /** Patches plus the class token. */
  public int numPositions() {
    return gridSize() * gridSize() + 1;
  }
}
