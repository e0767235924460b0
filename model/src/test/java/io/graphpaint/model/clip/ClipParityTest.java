package io.graphpaint.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphpaint.model.nn.FixtureFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Number-for-number agreement with transformers' CLIPModel and tokenizers (fixtures/clip-tiny). */
class ClipParityTest {

  static final double TOLERANCE = 1e-4;
  static Path dir;
  static JsonNode cases;

  @BeforeAll
  static void fixtures() throws Exception {
    dir = FixtureFiles.dir("clip-tiny");
    cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
  }

  @Test
  void tokenizerReproducesIdsAndMasks() throws Exception {
    ClipConfig config = ClipConfig.read(dir.resolve("config.json"));
    try (ClipTokenizer tokenizer = ClipTokenizer.load(dir, config)) {
      List<String> texts = new ArrayList<>();
      cases.get("texts").forEach(c -> texts.add(c.get("text").asText()));
      TokenizedText tokenized = tokenizer.encode(texts);
      for (int i = 0; i < texts.size(); i++) {
        JsonNode c = cases.get("texts").get(i);
        assertThat(tokenized.inputIds()[i]).as("ids of '%s'", texts.get(i)).containsExactly(longs(c.get("ids")));
        assertThat(tokenized.attentionMask()[i]).as("mask of '%s'", texts.get(i)).containsExactly(longs(c.get("attention_mask")));
        List<String> expectedTokens = new ArrayList<>();
        for (int j = 0; j < c.get("tokens").size(); j++) {
          if (c.get("attention_mask").get(j).asInt() == 1) {
            expectedTokens.add(c.get("tokens").get(j).asText());
          }
        }
        assertThat(tokenizer.tokens(texts.get(i))).as("tokens of '%s'", texts.get(i)).isEqualTo(expectedTokens);
      }
      assertThat(tokenizer.padId()).isEqualTo(cases.get("eos_id").asLong());
    }
  }

  @Test
  void configMapsHuggingFaceNames() throws Exception {
    ClipConfig config = ClipConfig.read(dir.resolve("config.json"));
    assertThat(config.text().vocabSize()).isEqualTo(402);
    assertThat(config.text().eosTokenId()).isEqualTo(2);
    assertThat(config.text().activation()).isEqualTo(ClipActivation.QUICK_GELU);
    assertThat(config.vision().numPositions()).isEqualTo(17);
    assertThat(config.projectionDim()).isEqualTo(32);
    assertThat(config.logitScaleInit()).isEqualTo(2.6592);
    // plain Jackson (as inside a larger model.json) reads back what it writes
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readValue(json.writeValueAsString(config), ClipConfig.class)).isEqualTo(config);
  }

  @Test
  void missingConfigFieldsTakeTransformersDefaults(@org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
    Path file = temp.resolve("config.json");
    java.nio.file.Files.writeString(file, "{\"text_config\": {\"vocab_size\": 1000, \"hidden_act\": \"gelu\"}}");
    ClipConfig config = ClipConfig.read(file);
    assertThat(config.text().vocabSize()).isEqualTo(1000);
    assertThat(config.text().activation()).isEqualTo(ClipActivation.GELU);
    assertThat(config.text().maxPositions()).isEqualTo(77);
    assertThat(config.vision().patchSize()).isEqualTo(32);
    assertThat(config.projectionDim()).isEqualTo(512);
    java.nio.file.Files.writeString(file, "{\"vision_config\": {\"hidden_act\": \"relu\"}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClipConfig.read(file))
        .hasMessageContaining("hidden_act 'relu' is not supported")
        .hasMessageContaining("quick_gelu");
  }

  @Test
  void writtenConfigCarriesTransformersModelTypes(@org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
    ClipConfig config = ClipConfig.read(dir.resolve("config.json"));
    config.write(temp.resolve("config.json"));
    JsonNode written = new ObjectMapper().readTree(temp.resolve("config.json").toFile());
    assertThat(written.path("model_type").asText()).isEqualTo("clip");
    assertThat(written.path("architectures").get(0).asText()).isEqualTo("CLIPModel");
    assertThat(written.path("text_config").path("model_type").asText()).isEqualTo("clip_text_model");
    assertThat(written.path("vision_config").path("patch_size").asInt()).isEqualTo(8);
    assertThat(ClipConfig.read(temp.resolve("config.json"))).isEqualTo(config);
  }

  @Test
  void imageProcessorReproducesPixelValues() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> in = FixtureFiles.tensors(manager, dir.resolve("inputs.safetensors"));
      ClipImageProcessor processor =
          new ClipImageProcessor(32, floats(cases.get("image_mean")), floats(cases.get("image_std")));
      NDArray pixels = processor.preprocess(in.get("images_uint8_nhwc"));
      assertThat(FixtureFiles.maxAbsDiff(in.get("pixel_values"), pixels)).isLessThanOrEqualTo(1e-5);
      NDArray signed = in.get("images_uint8_nhwc").toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
          .div(127.5f).sub(1f).transpose(0, 3, 1, 2); // as the diffusion model's images, [-1, 1]
      assertThat(FixtureFiles.maxAbsDiff(in.get("pixel_values"), processor.preprocessSigned(signed)))
          .isLessThanOrEqualTo(1e-5);
      // a 48x64 image: shorter side resized to 32, then the centre 32x32 cropped
      NDArray wide = manager.randomUniform(0f, 255f, new ai.djl.ndarray.types.Shape(2, 48, 64, 3));
      assertThat(processor.preprocess(wide).getShape()).isEqualTo(new ai.djl.ndarray.types.Shape(2, 3, 32, 32));
    }
  }

  @Test
  void modelReproducesEveryExpectedTensor() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClipModel model = ClipModel.load(dir, manager);
      Map<String, NDArray> in = FixtureFiles.tensors(manager, dir.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = FixtureFiles.tensors(manager, dir.resolve("expected.safetensors"));
      ParameterStore ps = new ParameterStore(manager, false);
      NDArray ids = in.get("input_ids");
      ClipOutput out = model.apply(ps, ids, in.get("attention_mask"), in.get("pixel_values"), false);

      assertClose(expected, "text_last_hidden_state", out.text().lastHiddenState());
      assertClose(expected, "text_pooler_output", out.text().pooled());
      assertClose(expected, "text_embeds_unnormalized", model.projectText(ps, out.text().pooled(), false));
      assertClose(expected, "text_embeds", out.textEmbeds());
      assertClose(expected, "vision_last_hidden_state", out.vision().lastHiddenState());
      assertClose(expected, "vision_pooler_output", out.vision().pooled());
      assertClose(expected, "image_embeds_unnormalized", model.projectImage(ps, out.vision().pooled(), false));
      assertClose(expected, "image_embeds", out.imageEmbeds());
      assertClose(expected, "logits_per_image", out.logitsPerImage());
      assertClose(
          expected, "text_last_hidden_state_no_attention_mask",
          model.encodeText(ps, ids, null, false).lastHiddenState());
    }
  }

  static void assertClose(Map<String, NDArray> expected, String name, NDArray actual) {
    assertThat(FixtureFiles.maxAbsDiff(expected.get(name), actual)).as(name + " max abs diff").isLessThanOrEqualTo(TOLERANCE);
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
