package io.graphpaint.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seven Visual Genome images written in VG's file formats, each built to hit one of sg2im's
 * preprocessing rules (thresholds lowered so a handful of images can reach them).
 */
class VisualGenomeLoaderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final VisualGenomeLoader.Options OPTIONS = new VisualGenomeLoader.Options(
      200, 32, 2, 2, 2, 2, 3, 1, 2, 30, Map.of("men", "man"), Map.of(), null);

  // image id, width, height
  private static final int[][] IMAGES = {
      {1, 800, 600}, {2, 150, 400}, {3, 500, 500}, {4, 640, 480}, {5, 300, 300}, {6, 400, 300}, {7, 1000, 800}};

  /** {image, object id, names..., x, y, w, h, attributes} as loose arrays for brevity. */
  private record Obj(int image, int id, List<String> names, int x, int y, int w, int h, List<String> attributes) {}

  private record Rel(int image, int id, String predicate, int subject, int object) {}

  private static final List<Obj> OBJECTS = List.of(
      new Obj(1, 11, List.of("man"), 10, 10, 100, 200, List.of()),
      new Obj(1, 12, List.of("horse"), 200, 100, 300, 300, List.of("brown")),
      new Obj(1, 13, List.of("grass"), 0, 400, 800, 200, List.of()),
      new Obj(2, 21, List.of("man"), 0, 0, 100, 100, List.of()),
      new Obj(3, 31, List.of("man"), 0, 0, 100, 100, List.of()),
      new Obj(3, 32, List.of("horse"), 200, 0, 20, 100, List.of()), // narrower than 32 px
      new Obj(3, 33, List.of("dog"), 300, 300, 100, 100, List.of()), // name used once: not in vocab
      new Obj(4, 41, List.of("man"), 0, 0, 100, 100, List.of()),
      new Obj(4, 42, List.of("horse"), 100, 0, 100, 100, List.of()),
      new Obj(4, 43, List.of("grass"), 0, 300, 600, 100, List.of()),
      new Obj(4, 44, List.of("tree"), 400, 0, 100, 200, List.of()),
      new Obj(4, 45, List.of("men"), 200, 200, 50, 100, List.of()), // alias of man
      new Obj(5, 51, List.of("man"), 0, 0, 100, 100, List.of()),
      new Obj(5, 52, List.of("grass"), 0, 200, 300, 100, List.of()),
      new Obj(6, 61, List.of("man"), 0, 0, 100, 100, List.of()),
      new Obj(6, 62, List.of("horse"), 100, 0, 100, 100, List.of()),
      new Obj(6, 63, List.of("grass"), 0, 200, 400, 100, List.of()),
      new Obj(7, 71, List.of("horse"), 100, 200, 300, 400, List.of("brown")),
      new Obj(7, 72, List.of("lawn", "grass"), 0, 600, 1000, 200, List.of()));

  private static final List<Rel> RELATIONSHIPS = List.of(
      new Rel(1, 101, "Riding ", 11, 12),
      new Rel(1, 102, "on", 12, 13),
      new Rel(3, 301, "riding", 31, 32), // horse dropped: does not count
      new Rel(4, 401, "on", 41, 43),
      new Rel(5, 501, "near", 51, 52), // used once: not in vocab
      new Rel(6, 601, "riding", 61, 62),
      new Rel(6, 602, "on", 62, 63),
      new Rel(6, 603, "riding", 61, 62),
      new Rel(7, 701, "ON", 71, 72));

  private static byte[] imageData() throws Exception {
    ArrayNode images = JSON.createArrayNode();
    for (int[] i : IMAGES) {
      images.addObject().put("image_id", i[0]).put("width", i[1]).put("height", i[2])
          .put("url", "https://cs.stanford.edu/people/rak248/VG_100K/" + i[0] + ".jpg");
    }
    return JSON.writeValueAsBytes(images);
  }

  private static ObjectNode objectNode(Obj o, boolean inlineAttributes) {
    ObjectNode node = JSON.createObjectNode().put("object_id", o.id()).put("x", o.x()).put("y", o.y())
        .put("w", o.w()).put("h", o.h());
    ArrayNode names = node.putArray("names");
    o.names().forEach(names::add);
    if (inlineAttributes && !o.attributes().isEmpty()) {
      ArrayNode attrs = node.putArray("attributes");
      o.attributes().forEach(attrs::add);
    }
    return node;
  }

  private static byte[] sceneGraphs() throws Exception {
    ArrayNode root = JSON.createArrayNode();
    for (int[] i : IMAGES) {
      ObjectNode image = root.addObject().put("image_id", i[0]);
      ArrayNode objects = image.putArray("objects");
      OBJECTS.stream().filter(o -> o.image() == i[0]).forEach(o -> objects.add(objectNode(o, true)));
      ArrayNode rels = image.putArray("relationships");
      RELATIONSHIPS.stream().filter(r -> r.image() == i[0]).forEach(r -> rels.addObject()
          .put("relationship_id", r.id()).put("predicate", r.predicate())
          .put("subject_id", r.subject()).put("object_id", r.object()));
    }
    return JSON.writeValueAsBytes(root);
  }

  private static LoadedDataset loadSeparate(Path dir) throws Exception {
    ArrayNode objects = JSON.createArrayNode();
    ArrayNode relationships = JSON.createArrayNode();
    ArrayNode attributes = JSON.createArrayNode();
    for (int[] i : IMAGES) {
      ArrayNode objs = objects.addObject().put("image_id", i[0]).putArray("objects");
      ArrayNode attrs = attributes.addObject().put("image_id", i[0]).putArray("attributes");
      for (Obj o : OBJECTS) {
        if (o.image() == i[0]) {
          objs.add(objectNode(o, false));
          ObjectNode a = objectNode(o, false);
          if (!o.attributes().isEmpty()) {
            ArrayNode list = a.putArray("attributes");
            o.attributes().forEach(list::add);
          }
          attrs.add(a);
        }
      }
      ArrayNode rels = relationships.addObject().put("image_id", i[0]).putArray("relationships");
      for (Rel r : RELATIONSHIPS) {
        if (r.image() == i[0]) {
          Obj s = OBJECTS.stream().filter(o -> o.id() == r.subject()).findFirst().orElseThrow();
          Obj t = OBJECTS.stream().filter(o -> o.id() == r.object()).findFirst().orElseThrow();
          ObjectNode rel = rels.addObject().put("relationship_id", r.id()).put("predicate", r.predicate());
          rel.set("subject", objectNode(s, false));
          rel.set("object", objectNode(t, false));
        }
      }
    }
    Files.write(dir.resolve("objects.json"), JSON.writeValueAsBytes(objects));
    Files.write(dir.resolve("relationships.json"), JSON.writeValueAsBytes(relationships));
    Files.write(dir.resolve("attributes.json"), JSON.writeValueAsBytes(attributes));
    Files.write(dir.resolve("image_data.json"), imageData());
    return VisualGenomeLoader.loadSeparateFiles(dir.resolve("objects.json"), dir.resolve("relationships.json"),
        dir.resolve("image_data.json"), dir.resolve("attributes.json"), OPTIONS);
  }

  private static void assertExpected(LoadedDataset data) {
    Vocabulary vocab = data.vocabulary();
    // man 6 uses (one through the alias), horse 5, grass 5 (tie: horse seen first); dog, tree, lawn once
    assertThat(vocab.objectLabels()).containsExactly("man", "horse", "grass");
    assertThat(vocab.predicates()).containsExactly("riding", "on");
    assertThat(vocab.attributes()).containsExactly("brown");

    assertThat(data.keptIds()).containsExactly("1", "7");
    assertThat(data.rejections()).extracting(LoadedDataset.Rejection::imageId, LoadedDataset.Rejection::rule)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("2", "small_image"),
            org.assertj.core.groups.Tuple.tuple("3", "too_few_objects"),
            org.assertj.core.groups.Tuple.tuple("4", "too_many_objects"),
            org.assertj.core.groups.Tuple.tuple("5", "too_few_relationships"),
            org.assertj.core.groups.Tuple.tuple("6", "too_many_relationships"));
    assertThat(data.rejections().get(0).detail()).isEqualTo("image is 150 x 400, shorter side below 200");
    assertThat(data.rejections().get(1).detail()).isEqualTo("1 objects left, fewer than 2");
    assertThat(data.rejections().get(2).detail()).isEqualTo("4 objects left, more than 3");

    SceneGraphSample first = data.samples().get(0);
    assertThat(first.imageFile()).isEqualTo("VG_100K/1.jpg");
    assertThat(first.graph().labels()).containsExactly("man", "horse", "grass");
    assertThat(first.graph().objects().get(1).attributes()).containsExactly("brown");
    assertThat(first.graph().relationships()).containsExactly(
        new Relationship(0, "riding", 1), new Relationship(1, "on", 2));
    assertThat(first.boxes().get(0)).isEqualTo(new Box(10 / 800.0, 10 / 600.0, 110 / 800.0, 210 / 600.0));

    SceneGraphSample seventh = data.samples().get(1);
    assertThat(seventh.graph().labels()).containsExactly("horse", "grass"); // "lawn" skipped for "grass"
    assertThat(seventh.graph().relationships()).containsExactly(new Relationship(0, "on", 1));
    assertThat(seventh.boxes().get(0)).isEqualTo(new Box(0.1, 0.25, 0.4, 0.75));
  }

  @Test
  void sceneGraphsJsonFollowsSg2imsRules(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("scene_graphs.json"), sceneGraphs());
    Files.write(dir.resolve("image_data.json"), imageData());
    assertExpected(VisualGenomeLoader.loadSceneGraphs(dir.resolve("scene_graphs.json"),
        dir.resolve("image_data.json"), OPTIONS));
  }

  @Test
  void separateFilesGiveTheSameResult(@TempDir Path dir) throws Exception {
    assertExpected(loadSeparate(dir));
  }

  @Test
  void sg2imDefaultsAndTheVocabularyThresholdsAreRespected() throws Exception {
    VisualGenomeLoader.Options d = VisualGenomeLoader.Options.sg2imDefaults();
    assertThat(List.of(d.minImageSize(), d.minObjectSize(), d.minObjectInstances(), d.minAttributeInstances(),
        d.minRelationshipInstances(), d.minObjects(), d.maxObjects(), d.minRelationships(), d.maxRelationships()))
        .containsExactly(200, 32, 2000, 2000, 500, 3, 30, 1, 30);
    // With sg2im's instance thresholds no name is frequent enough here: every image is rejected.
    LoadedDataset none = VisualGenomeLoader.loadSceneGraphs(sceneGraphs(), imageData(), d);
    assertThat(none.samples()).isEmpty();
    assertThat(none.vocabulary().objectLabels()).isEmpty();
    assertThat(none.rejectionCounts()).containsEntry("small_image", 1).containsEntry("too_few_objects", 6);
  }

  @Test
  void readsSg2imAliasFiles() {
    assertThat(VisualGenomeLoader.readAliases("man,men,guy\nhorse,pony\n\n"))
        .containsEntry("men", "man").containsEntry("guy", "man").containsEntry("pony", "horse");
  }
}
