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
  }

  @Test
  void imageProcessorReproducesPixelValues() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> in = FixtureFiles.tensors(manager, dir.resolve("inputs.safetensors"));
      ClipImageProcessor processor =
          new ClipImageProcessor(32, floats(cases.get("image_mean")), floats(cases.get("image_std")));
      NDArray pixels = processor.preprocess(in.get("images_uint8_nhwc"));
      assertThat(FixtureFiles.maxAbsDiff(in.get("pixel_values"), pixels)).isLessThanOrEqualTo(1e-5);
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
