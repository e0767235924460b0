package io.graphpaint.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.nn.FixtureFiles;
import io.graphpaint.model.nn.SafetensorsStateDict;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Number-for-number agreement with SGDiff's CGIPModel (fixtures/graph-sgdiff). */
class GraphEncoderParityTest {

  static final double TOLERANCE = 1e-4;
  // fixtures/graph-sgdiff/config.json: 10 object ids + image node, 5 predicates, D 32, H 48, 2 layers, 6 slots
  static final GraphEncoderConfig FIXTURE_CONFIG = new GraphEncoderConfig(10, 5, 32, 48, 2, 6, 5);

  @Test
  void reproducesSgdiffOutputsAndLayerVectors() throws Exception {
    Path dir = FixtureFiles.dir("graph-sgdiff");
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphEncoder encoder = GraphEncoder.load(FIXTURE_CONFIG, manager, dir.resolve("weights.safetensors"));
      Map<String, NDArray> in = FixtureFiles.tensors(manager, dir.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = FixtureFiles.tensors(manager, dir.resolve("expected.safetensors"));
      GraphBatch batch =
          new GraphBatch(in.get("objs"), in.get("triples"), in.get("obj_to_img"), in.get("triple_to_img"), 3);
      GraphEncoding out = encoder.encode(new ParameterStore(manager, false), batch, false);

      assertClose(expected.get("graph_global"), out.global(), "graph_global");
      assertClose(expected.get("graph_local"), out.tripleTokens(), "graph_local");
      assertClose(expected.get("obj_vecs_after_first_conv"), out.firstLayerObjectVectors(), "obj_vecs_after_first_conv");
      assertClose(expected.get("pred_vecs_after_first_conv"), out.firstLayerPredicateVectors(), "pred_vecs_after_first_conv");
      assertClose(expected.get("obj_vecs_final"), out.objectVectors(), "obj_vecs_final");
      assertClose(expected.get("pred_vecs_final"), out.predicateVectors(), "pred_vecs_final");

      // per-object tokens: graph 2's objects (4 + image node) are rows 6..10 of the final vectors
      NDArray graph2 = out.objectTokens().get(2);
      assertClose(expected.get("obj_vecs_final").get("6:11"), graph2, "object tokens of graph 2");
      assertThat(out.objectMask().toFloatArray())
          .containsExactly(1, 1, 1, 1, 0, /* graph 1 */ 1, 1, 0, 0, 0, /* graph 2 */ 1, 1, 1, 1, 1);
      assertThat(out.tripleMask().sum().getFloat()).isEqualTo(5 + 1 + 6); // 14 triples, graph 2's 8 cut at 6
    }
  }

  @Test
  void loadsUnderPrefixAndReportsExtraTensors() throws Exception {
    Path dir = FixtureFiles.dir("graph-sgdiff");
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphEncoder encoder = new GraphEncoder(FIXTURE_CONFIG);
      encoder.initializeParameters(manager);
      SafetensorsStateDict.LoadReport report =
          SafetensorsStateDict.load(encoder, dir.resolve("weights.safetensors"));
      assertThat(report.ignored()).isEmpty();
      assertThat(report.loaded()).isEqualTo(encoder.stateDict().size()).isEqualTo(29);
    }
  }

  @Test
  void configUsesSgdiffArgumentNames() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    String text = json.writeValueAsString(FIXTURE_CONFIG);
    assertThat(json.readTree(text).path("num_objs").asInt()).isEqualTo(10);
    assertThat(json.readTree(text).path("width").asInt()).isEqualTo(48);
    assertThat(json.readTree(text).path("max_sample_per_img").asInt()).isEqualTo(6);
    assertThat(json.readValue(text, GraphEncoderConfig.class)).isEqualTo(FIXTURE_CONFIG);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GraphEncoderConfig(10, 5, 0, 48, 2, 6, 5))
        .hasMessageContaining("embed_dim must be >= 1, got 0");
  }

  static void assertClose(NDArray expected, NDArray actual, String what) {
    double diff = FixtureFiles.maxAbsDiff(expected, actual);
    assertThat(diff).as(what + " max abs diff").isLessThanOrEqualTo(TOLERANCE);
  }
}
