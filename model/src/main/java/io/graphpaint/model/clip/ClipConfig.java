package io.graphpaint.model.clip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hugging Face {@code CLIPConfig}, read from and written to {@code config.json}; snake_case at the
 * edge, readable names inside. Fields a file omits take transformers' defaults.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipConfig(
    @JsonProperty("text_config") ClipTextConfig text,
    @JsonProperty("vision_config") ClipVisionConfig vision,
    @JsonProperty("projection_dim") int projectionDim,
    @JsonProperty("logit_scale_init_value") double logitScaleInit) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ClipConfig {
    if (text == null || vision == null) {
      throw new IllegalArgumentException("text_config and vision_config are required");
    }
    requirePositive("projection_dim", projectionDim);
  }

  /** Reads a Hugging Face {@code config.json}. */
  public static ClipConfig read(Path configJson) throws IOException {
    JsonNode root = JSON.readTree(configJson.toFile());
    ObjectNode text = JSON.valueToTree(ClipTextConfig.HF_DEFAULTS);
    ObjectNode vision = JSON.valueToTree(ClipVisionConfig.HF_DEFAULTS);
    if (root.get("text_config") instanceof ObjectNode t) {
      text.setAll(t);
    }
    if (root.get("vision_config") instanceof ObjectNode v) {
      vision.setAll(v);
    }
    return new ClipConfig(
        JSON.treeToValue(text, ClipTextConfig.class),
        JSON.treeToValue(vision, ClipVisionConfig.class),
        root.path("projection_dim").asInt(512),
        root.path("logit_scale_init_value").asDouble(2.6592));
  }

  /** Writes {@code config.json} in the Hugging Face layout (with the model types transformers reads). */
  public void write(Path configJson) throws IOException {
    ObjectNode root = JSON.valueToTree(this);
    root.putArray("architectures").add("CLIPModel");
    root.put("model_type", "clip");
    ((ObjectNode) root.get("text_config")).put("model_type", "clip_text_model");
    ((ObjectNode) root.get("vision_config")).put("model_type", "clip_vision_model");
    Files.writeString(configJson, JSON.writeValueAsString(root));
  }

  static void requirePositive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + value);
    }
  }
}
