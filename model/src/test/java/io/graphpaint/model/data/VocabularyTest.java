package io.graphpaint.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

  private final Vocabulary vocab =
      Vocabulary.of(List.of("sky", "grass", "sheep", "tree"), List.of("above", "below", "on"), List.of("blue"));

  @Test
  void reservedNamesTakeIdZero() {
    assertThat(vocab.objectIndex(Vocabulary.IMAGE)).isZero();
    assertThat(vocab.predicateIndex(Vocabulary.IN_IMAGE)).isZero();
    assertThat(vocab.objectIndex("sky")).isEqualTo(1);
    assertThat(vocab.objectIndex("tree")).isEqualTo(4);
    assertThat(vocab.predicateIndex("on")).isEqualTo(3);
    assertThat(vocab.numObjectIds()).isEqualTo(5);
    assertThat(vocab.numPredicateIds()).isEqualTo(4);
    assertThat(vocab.objectLabels()).containsExactly("sky", "grass", "sheep", "tree");
  }

  @Test
  void encodeAppendsImageNodeAndInImageEdgesAsSg2imDoes() {
    SceneGraph graph = SceneGraph.of(List.of("sheep", "grass", "sky"),
        List.of(new Relationship(2, "above", 1), new Relationship(0, "on", 1)));
    EncodedSceneGraph encoded = vocab.encode(graph);
    assertThat(encoded.objects()).containsExactly(3, 2, 1, 0);
    assertThat(encoded.triples()).containsExactly(
        2, 1, 1,
        0, 3, 1,
        0, 0, 3,
        1, 0, 3,
        2, 0, 3);
  }

  @Test
  void unknownLabelNamesItAndTheClosestKnownLabels() {
    SceneGraph graph = SceneGraph.of(List.of("sheeep"), List.of());
    assertThatThrownBy(() -> vocab.encode(graph))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("'sheeep'")
        .hasMessageContaining("closest known: sheep")
        .satisfies(e -> assertThat(((UnknownLabelException) e).closest()).first().isEqualTo("sheep"));
    SceneGraph badPred = SceneGraph.of(List.of("sky", "tree"), List.of(new Relationship(0, "abve", 1)));
    assertThatThrownBy(() -> vocab.encode(badPred))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("unknown predicate 'abve'")
        .hasMessageContaining("closest known: above");
  }

  @Test
  void editDistanceMatchesHandComputedValues() {
    assertThat(Vocabulary.editDistance("kitten", "sitting")).isEqualTo(3);
    assertThat(Vocabulary.editDistance("", "abc")).isEqualTo(3);
    assertThat(Vocabulary.editDistance("flaw", "lawn")).isEqualTo(2);
  }

  @Test
  void graphValidationNamesTheBadIndex() {
    assertThatThrownBy(() -> SceneGraph.of(List.of("sky", "tree"), List.of(new Relationship(0, "above", 5))))
        .hasMessageContaining("object index 5")
        .hasMessageContaining("0..1");
    assertThatThrownBy(() -> SceneGraph.of(List.of("sky"), List.of(new Relationship(0, "above", 0))))
        .hasMessageContaining("to itself");
    assertThatThrownBy(() -> new SceneObject(" "))
        .hasMessageContaining("non-blank");
  }

  @Test
  void jsonRoundTripUsesSg2imKeys(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vocab.json");
    vocab.save(file);
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder(
        "object_name_to_idx", "object_idx_to_name", "pred_name_to_idx", "pred_idx_to_name",
        "attribute_name_to_idx", "attribute_idx_to_name");
    assertThat(json.get("object_idx_to_name").get(0).asText()).isEqualTo("__image__");
    assertThat(json.get("pred_name_to_idx").get("on").asInt()).isEqualTo(3);
    assertThat(Vocabulary.load(file)).isEqualTo(vocab);
  }

  @Test
  void readsSg2imCocoStyleVocabularyWithGaps() {
    String json = """
        {"object_name_to_idx": {"__image__": 0, "person": 1, "car": 3},
         "object_idx_to_name": ["__image__", "person", "NONE", "car"],
         "pred_name_to_idx": {"__in_image__": 0, "left of": 1},
         "pred_idx_to_name": ["__in_image__", "left of"]}
        """;
    Vocabulary coco = Vocabulary.fromJson(json.getBytes());
    assertThat(coco.objectIndex("car")).isEqualTo(3);
    assertThat(coco.objectName(2)).isEqualTo("NONE");
    assertThat(coco.numObjectIds()).isEqualTo(4);
    assertThat(coco.attributes()).isEmpty();
    assertThat(Vocabulary.fromJson(coco.toJson())).isEqualTo(coco);
  }

  @Test
  void rejectsInconsistentVocabularies() {
    assertThatThrownBy(() -> Vocabulary.ofIds(Map.of("cat", 0), Map.of("__in_image__", 0), Map.of()))
        .hasMessageContaining("__image__ to 0");
    String mismatched = """
        {"object_name_to_idx": {"__image__": 0, "cat": 1}, "object_idx_to_name": ["__image__", "dog"],
         "pred_name_to_idx": {"__in_image__": 0}}
        """;
    assertThatThrownBy(() -> Vocabulary.fromJson(mismatched.getBytes()))
        .hasMessageContaining("object_idx_to_name")
        .hasMessageContaining("'dog'");
    assertThatThrownBy(() -> Vocabulary.fromJson("{}".getBytes()))
        .hasMessageContaining("object_name_to_idx");
  }

  @Test
  void sceneGraphJsonRoundTrip() {
    String json = "{\"objects\": [\"sky\", {\"label\": \"tree\", \"attributes\": [\"blue\"]}], "
        + "\"relationships\": [[0, \"above\", 1]]}";
    SceneGraph graph = SceneGraphJson.read(json);
    assertThat(graph.labels()).containsExactly("sky", "tree");
    assertThat(graph.objects().get(1).attributes()).containsExactly("blue");
    assertThat(graph.relationships()).containsExactly(new Relationship(0, "above", 1));
    assertThat(SceneGraphJson.read(SceneGraphJson.write(graph))).isEqualTo(graph);
    assertThatThrownBy(() -> SceneGraphJson.read("{\"objects\": [\"a\"], \"relationships\": [[0, 1, 2]]}"))
        .hasMessageContaining("relationships[0]");
  }
}
