package io.graphpaint.trainingworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.storage.ObjectKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading dataset versions from the object store in each format, and the messages of bad ones. */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class DatasetReaderTest {

  private static final JobSettings SETTINGS = new JobSettings(10, 0.5, Duration.ofMinutes(1), 4, 1e-3, 1, 5, 2, 100,
      "val", 4, 2, 1.0, "pixels", 1, new PromotionGate(0.02, 0.1));
  private static TrainingFixture fixture;

  @BeforeAll
  static void start(DevStack stack) throws Exception {
    fixture = new TrainingFixture(stack);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static DatasetUpdate update(String id, String manifestUri, DatasetFormat format, UnknownLabelPolicy policy) {
    return DatasetUpdate.newBuilder().setDatasetId(id).setVersion("v1").setManifestUri(manifestUri).setFormat(format)
        .setSampleCount(0).setModelName("reader").setUnknownLabelPolicy(policy).setSubmittedAt(Instant.now()).build();
  }

  @Test
  void shapesDatasetReadsWithItsSplitsAtTheModelResolution() throws Exception {
    String manifest = fixture.writeShapesDataset("reader-ok", "v1", 61, 6, 3);
    PreparedDataset dataset = new DatasetReader(fixture.store).read(
        update("reader-ok", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT),
        ShapesWorld.vocabulary(), 16, SETTINGS);
    assertThat(dataset.train()).hasSize(6);
    assertThat(dataset.validation()).hasSize(3);
    assertThat(dataset.validation()).allSatisfy(s -> assertThat(s.id()).startsWith("val"));
    assertThat(dataset.train()).allSatisfy(s -> assertThat(s.image().getWidth()).isEqualTo(16));
    assertThat(dataset.addedLabels()).isEmpty();
    assertThat(dataset.vocabulary()).isEqualTo(ShapesWorld.vocabulary());
  }

  @Test
  void missingImagesAreNamed() throws Exception {
    String manifest = fixture.writeShapesDataset("reader-holes", "v1", 62, 4, 2);
    String missing = ObjectKeys.datasetFile("reader-holes", "v1", "images/train/train-0000001.png");
    assertThat(fixture.store.exists("graphpaint-datasets", missing)).isTrue();
    fixture.store.delete("graphpaint-datasets", missing);
    assertThatThrownBy(() -> new DatasetReader(fixture.store).read(
        update("reader-holes", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT),
        ShapesWorld.vocabulary(), 32, SETTINGS))
        .isInstanceOf(BadUpdateException.class)
        .hasMessageContaining("1 image file is missing or unreadable: s3://graphpaint-datasets/" + missing
            + " (sample train-0000001) does not exist");
  }

  @Test
  void malformedManifestSaysWhichLine() {
    String key = ObjectKeys.datasetFile("reader-bad", "v1", "manifest.jsonl");
    fixture.store.put("graphpaint-datasets", key, "{\"id\": \"a\"}\n".getBytes(StandardCharsets.UTF_8),
        "application/x-ndjson", Map.of());
    assertThatThrownBy(() -> new DatasetReader(fixture.store).read(
        update("reader-bad", "s3://graphpaint-datasets/" + key, DatasetFormat.SG2IM_JSON, UnknownLabelPolicy.REJECT),
        ShapesWorld.vocabulary(), 32, SETTINGS))
        .isInstanceOf(BadUpdateException.class)
        .hasMessageContaining("is malformed: manifest line 1")
        .hasMessageContaining("id, split, graph, caption and image");
  }

  @Test
  void cocoStuffLabelsOutsideTheVocabularyAreRejectedByName() {
    String instances = """
        {"images": [{"id": 1, "file_name": "1.jpg", "width": 640, "height": 480}],
         "annotations": [
           {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 10, 100, 200], "iscrowd": 0},
           {"id": 12, "image_id": 1, "category_id": 3, "bbox": [400, 100, 200, 100], "iscrowd": 0}],
         "categories": [{"id": 1, "name": "person"}, {"id": 3, "name": "car"}]}
        """;
    String stuff = """
        {"images": [], "categories": [{"id": 105, "name": "sky-other"}],
         "annotations": [{"id": 50, "image_id": 1, "category_id": 105, "bbox": [0, 0, 640, 100]}]}
        """;
    String root = ObjectKeys.datasetVersionPrefix("reader-coco", "v1");
    fixture.store.put("graphpaint-datasets", root + "instances_train2017.json", instances.getBytes(StandardCharsets.UTF_8),
        "application/json", Map.of());
    fixture.store.put("graphpaint-datasets", root + "stuff_train2017.json", stuff.getBytes(StandardCharsets.UTF_8),
        "application/json", Map.of());
    assertThatThrownBy(() -> new DatasetReader(fixture.store).read(
        update("reader-coco", "s3://graphpaint-datasets/" + root + "instances_train2017.json", DatasetFormat.COCO_STUFF,
            UnknownLabelPolicy.REJECT),
        ShapesWorld.vocabulary(), 32, SETTINGS))
        .isInstanceOf(BadUpdateException.class)
        .hasMessageContaining("object labels 'person', 'car', 'sky-other'")
        .hasMessageContaining("unknownLabelPolicy EXTEND");
  }
}
