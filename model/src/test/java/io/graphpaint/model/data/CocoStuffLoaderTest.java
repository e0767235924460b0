package io.graphpaint.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoStuffLoaderTest {

  /** Field order as in the real files: images, annotations, then categories. */
  private static final String INSTANCES = """
      {"info": {"description": "COCO 2017", "version": "1.0"},
       "licenses": [{"id": 1, "name": "CC BY"}],
       "images": [
         {"id": 1, "file_name": "000000000001.jpg", "width": 640, "height": 480},
         {"id": 2, "file_name": "000000000002.jpg", "width": 100, "height": 100},
         {"id": 3, "file_name": "000000000003.jpg", "width": 200, "height": 100},
         {"id": 4, "file_name": "000000000004.jpg", "width": 100, "height": 100}],
       "annotations": [
         {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 10, 100, 200], "iscrowd": 0},
         {"id": 11, "image_id": 1, "category_id": 3, "bbox": [300, 300, 5, 5], "iscrowd": 0},
         {"id": 12, "image_id": 1, "category_id": 3, "bbox": [400, 100, 200, 100], "iscrowd": 0},
         {"id": 20, "image_id": 2, "category_id": 1, "bbox": [0, 0, 50, 50], "iscrowd": 0},
         {"id": 30, "image_id": 3, "category_id": 1, "bbox": [0, 0, 20, 20], "iscrowd": 0},
         {"id": 31, "image_id": 3, "category_id": 3, "bbox": [100, 0, 100, 100], "iscrowd": 0},
         {"id": 40, "image_id": 4, "category_id": 1, "bbox": [0, 0, 10, 10], "iscrowd": 0,
          "segmentation": [[0, 0, 10, 0, 10, 10]], "area": 50.0}],
       "categories": [{"id": 1, "name": "person", "supercategory": "person"},
                      {"id": 3, "name": "car", "supercategory": "vehicle"}]}
      """;

  private static final String STUFF = """
      {"images": [],
       "categories": [{"id": 105, "name": "sky-other", "supercategory": "sky"},
                      {"id": 124, "name": "grass", "supercategory": "plant"},
                      {"id": 183, "name": "other", "supercategory": "other"}],
       "annotations": [
         {"id": 50, "image_id": 1, "category_id": 105, "bbox": [0, 0, 640, 100]},
         {"id": 51, "image_id": 1, "category_id": 183, "bbox": [0, 0, 640, 480]},
         {"id": 60, "image_id": 2, "category_id": 105, "bbox": [0, 0, 100, 10]},
         {"id": 61, "image_id": 2, "category_id": 124, "bbox": [0, 10, 100, 10]},
         {"id": 62, "image_id": 2, "category_id": 105, "bbox": [0, 20, 100, 10]},
         {"id": 63, "image_id": 2, "category_id": 124, "bbox": [0, 30, 100, 10]},
         {"id": 64, "image_id": 2, "category_id": 105, "bbox": [0, 40, 100, 10]},
         {"id": 65, "image_id": 2, "category_id": 124, "bbox": [0, 50, 100, 10]},
         {"id": 66, "image_id": 2, "category_id": 105, "bbox": [0, 60, 100, 10]},
         {"id": 67, "image_id": 2, "category_id": 124, "bbox": [0, 70, 100, 10]},
         {"id": 70, "image_id": 3, "category_id": 124, "bbox": [0, 50, 200, 50]}]}
      """;

  private static LoadedDataset load(Path dir, CocoStuffLoader.Options options) throws Exception {
    Files.writeString(dir.resolve("instances_train2017.json"), INSTANCES);
    Files.writeString(dir.resolve("stuff_train2017.json"), STUFF);
    return CocoStuffLoader.load(dir.resolve("instances_train2017.json"), dir.resolve("stuff_train2017.json"), options);
  }

  @Test
  void keepsAndRejectsImagesAsSg2imDoes(@TempDir Path dir) throws Exception {
    LoadedDataset data = load(dir, CocoStuffLoader.Options.sg2imDefaults());
    assertThat(data.keptIds()).containsExactly("1");
    assertThat(data.rejections()).extracting(LoadedDataset.Rejection::imageId, LoadedDataset.Rejection::rule,
        LoadedDataset.Rejection::detail).containsExactly(
            // person 50x50 + 8 stuff bands of 10% each
            tuple("2", "too_many_objects", "9 objects left, more than 8"),
            // the person covers exactly 2% of the image, not more: dropped; car and grass stay
            tuple("3", "too_few_objects", "2 objects left, fewer than 3"),
            tuple("4", "no_stuff", "image has no stuff annotations"));

    SceneGraphSample image = data.samples().get(0);
    assertThat(image.imageFile()).isEqualTo("000000000001.jpg");
    // instances first (the 5x5 car is too small), then stuff ("other" is dropped)
    assertThat(image.graph().labels()).containsExactly("person", "car", "sky-other");
    assertThat(image.boxes()).containsExactly(
        new Box(10 / 640.0, 10 / 480.0, 110 / 640.0, 210 / 480.0),
        new Box(400 / 640.0, 100 / 480.0, 600 / 640.0, 200 / 480.0),
        new Box(0, 0, 1, 100 / 480.0));
    // one triple per object, predicates from the boxes
    assertThat(image.graph().relationships()).hasSize(3);
    for (Relationship r : image.graph().relationships()) {
      assertThat(r.predicate()).isEqualTo(
          BoxRelations.predicate(image.boxes().get(r.subject()), image.boxes().get(r.object())));
    }
    assertThat(load(dir, CocoStuffLoader.Options.sg2imDefaults()).samples()).isEqualTo(data.samples());
  }

  @Test
  void vocabularyUsesCocoCategoryIds(@TempDir Path dir) throws Exception {
    Vocabulary vocab = load(dir, CocoStuffLoader.Options.sg2imDefaults()).vocabulary();
    assertThat(vocab.objectIndex("person")).isEqualTo(1);
    assertThat(vocab.objectIndex("car")).isEqualTo(3);
    assertThat(vocab.objectIndex("sky-other")).isEqualTo(105);
    assertThat(vocab.objectName(2)).isEqualTo("NONE");
    assertThat(vocab.numObjectIds()).isEqualTo(184);
    assertThat(vocab.predicates()).containsExactly("left of", "right of", "above", "below", "inside", "surrounding");
  }

  @Test
  void otherAndSmallObjectsCanBeKeptByOption(@TempDir Path dir) throws Exception {
    LoadedDataset data = load(dir, new CocoStuffLoader.Options(0.0, 3, 8, true, false, 0));
    // image 1: person, both cars, sky, other; image 3: person, car, grass; image 4: person only
    assertThat(data.keptIds()).containsExactly("1", "3");
    assertThat(data.samples().get(0).graph().labels())
        .containsExactly("person", "car", "car", "sky-other", "other");
    assertThat(data.rejections()).extracting(LoadedDataset.Rejection::imageId, LoadedDataset.Rejection::rule)
        .containsExactly(tuple("2", "too_many_objects"), tuple("4", "too_few_objects"));
  }

  @Test
  void relationsFollowSg2imsAngleRules() {
    Box o = new Box(0.4, 0.4, 0.6, 0.6);
    assertThat(BoxRelations.predicate(new Box(0.0, 0.45, 0.1, 0.55), o)).isEqualTo("left of");
    assertThat(BoxRelations.predicate(new Box(0.8, 0.45, 0.9, 0.55), o)).isEqualTo("right of");
    assertThat(BoxRelations.predicate(new Box(0.45, 0.0, 0.55, 0.1), o)).isEqualTo("above");
    assertThat(BoxRelations.predicate(new Box(0.45, 0.8, 0.55, 0.9), o)).isEqualTo("below");
    assertThat(BoxRelations.predicate(new Box(0.45, 0.45, 0.55, 0.55), o)).isEqualTo("inside");
    assertThat(BoxRelations.predicate(new Box(0.3, 0.3, 0.7, 0.7), o)).isEqualTo("surrounding");
    // on the diagonals: theta = pi/4 is "below", theta = -pi/4 is "right of" (half-open ranges)
    assertThat(BoxRelations.predicate(new Box(0.7, 0.7, 0.9, 0.9), o)).isEqualTo("below");
    assertThat(BoxRelations.predicate(new Box(0.7, 0.1, 0.9, 0.3), o)).isEqualTo("right of");
    // touching edges are not containment
    assertThat(BoxRelations.predicate(new Box(0.4, 0.45, 0.5, 0.55), o)).isEqualTo("left of");
  }

  @Test
  void sg2imJsonGraphsAreCheckedAgainstTheVocabulary(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("graphs.json"), """
        [{"objects": ["person", "car"], "relationships": [[0, "left of", 1]]},
         {"objects": ["persn", "car"], "relationships": []},
         {"objects": ["person", "sky-other"], "relationships": [[1, "abov", 0]]}]
        """);
    Vocabulary vocab = load(dir, CocoStuffLoader.Options.sg2imDefaults()).vocabulary();
    LoadedDataset graphs = Sg2imJsonLoader.load(dir.resolve("graphs.json"), vocab);
    assertThat(graphs.keptIds()).containsExactly("graph-0");
    assertThat(graphs.samples().get(0).graph().relationships()).containsExactly(new Relationship(0, "left of", 1));
    assertThat(graphs.rejections()).extracting(LoadedDataset.Rejection::imageId, LoadedDataset.Rejection::rule)
        .containsExactly(tuple("graph-1", "unknown_object_label"), tuple("graph-2", "unknown_predicate"));
    assertThat(graphs.rejections().get(0).detail()).contains("'persn'").contains("closest known: person");
    assertThat(graphs.rejections().get(1).detail()).contains("'abov'").contains("closest known: above");
  }
}
