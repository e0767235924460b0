package io.graphpaint.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * COCO-Stuff as sg2im's {@code CocoSceneGraphDataset} reads it: instances and stuff annotations
 * of an image become its objects (instances first, in file order) when their box covers more
 * than {@code minObjectSize} of the image and their category is not "other"; with {@code
 * stuffOnly} images without any stuff annotation are dropped; images keep
 * {@code minObjects..maxObjects} objects. Object ids are the COCO category ids ({@code __image__}
 * = 0). Relationships are drawn as sg2im draws them: every object picks one random other object
 * and a random direction, and the predicate comes from the boxes ({@link BoxRelations}); sg2im
 * draws anew on each read, here the draw is seeded by (seed, image id) so loads are repeatable.
 */
public final class CocoStuffLoader {

  /** Filtering rules; {@link #sg2imDefaults()} are sg2im's. */
  public record Options(double minObjectSize, int minObjects, int maxObjects, boolean includeOther,
      boolean stuffOnly, long relationSeed) {
    public Options {
      if (!(minObjectSize >= 0 && minObjectSize < 1)) {
        throw new IllegalArgumentException("minObjectSize must be within [0, 1) of the image area, got " + minObjectSize);
      }
      if (minObjects < 0 || minObjects > maxObjects) {
        throw new IllegalArgumentException("need 0 <= minObjects <= maxObjects, got " + minObjects + ", " + maxObjects);
      }
    }

    public static Options sg2imDefaults() {
      return new Options(0.02, 3, 8, false, true, 0);
    }
  }

  private CocoStuffLoader() {}

  /** From the instances and (optional) stuff files, read as streams. */
  public static LoadedDataset load(Path instancesJson, Path stuffJson, Options options) throws IOException {
    try (InputStream instances = Files.newInputStream(instancesJson);
        InputStream stuff = stuffJson == null ? null : Files.newInputStream(stuffJson)) {
      return load(instances, stuff, options);
    }
  }

  public static LoadedDataset load(byte[] instancesJson, byte[] stuffJson, Options options) throws IOException {
    return load(new ByteArrayInputStream(instancesJson), stuffJson == null ? null : new ByteArrayInputStream(stuffJson),
        options);
  }

  /** What sg2im uses of an annotation; segmentations are not kept. */
  private record Annotation(String id, String imageId, int categoryId, double x, double y, double w, double h) {}

  /** Images, categories and annotations of one COCO file. */
  private static final class CocoFile {
    final Map<String, int[]> sizes = new LinkedHashMap<>();
    final Map<String, String> files = new HashMap<>();
    final List<JsonNode> categories = new ArrayList<>();
    final List<Annotation> annotations = new ArrayList<>();

    static CocoFile read(InputStream in, String what) throws IOException {
      CocoFile file = new CocoFile();
      JsonStreams.forEachFieldElement(in, what, Map.of(
          "images", image -> {
            String id = image.path("id").asText();
            file.sizes.put(id, new int[] {image.path("width").asInt(), image.path("height").asInt()});
            file.files.put(id, image.path("file_name").asText());
          },
          "categories", file.categories::add,
          "annotations", a -> {
            JsonNode bbox = a.path("bbox");
            if (!bbox.isArray() || bbox.size() != 4) {
              throw new IllegalArgumentException(what + ": annotation " + a.path("id").asText()
                  + " needs a bbox [x, y, w, h], got " + bbox);
            }
            file.annotations.add(new Annotation(a.path("id").asText(), a.path("image_id").asText(),
                a.path("category_id").asInt(), bbox.get(0).asDouble(), bbox.get(1).asDouble(),
                bbox.get(2).asDouble(), bbox.get(3).asDouble()));
          }));
      return file;
    }
  }

  public static LoadedDataset load(InputStream instancesJson, InputStream stuffJson, Options options) throws IOException {
    CocoFile instances = CocoFile.read(instancesJson, "instances file");
    CocoFile stuff = stuffJson == null ? null : CocoFile.read(stuffJson, "stuff file");

    Map<String, int[]> sizes = instances.sizes;
    Map<String, String> files = instances.files;
    Map<String, Integer> nameToIdx = new LinkedHashMap<>();
    Map<Integer, String> idxToName = new HashMap<>();
    nameToIdx.put(Vocabulary.IMAGE, 0);
    readCategories(instances.categories, nameToIdx, idxToName);
    if (stuff != null) {
      readCategories(stuff.categories, nameToIdx, idxToName);
    }

    Map<String, List<SceneObject>> objects = new HashMap<>();
    Map<String, List<Box>> boxes = new HashMap<>();
    addAnnotations(instances.annotations, sizes, idxToName, options, objects, boxes);
    Set<String> withStuff = new HashSet<>();
    if (stuff != null) {
      for (Annotation a : stuff.annotations) {
        withStuff.add(a.imageId());
      }
      addAnnotations(stuff.annotations, sizes, idxToName, options, objects, boxes);
    }

    Map<String, Integer> predicates = new LinkedHashMap<>();
    predicates.put(Vocabulary.IN_IMAGE, 0);
    for (String p : BoxRelations.PREDICATES) {
      predicates.put(p, predicates.size());
    }
    Vocabulary vocabulary = Vocabulary.ofIds(nameToIdx, predicates, Map.of());

    List<SceneGraphSample> samples = new ArrayList<>();
    List<LoadedDataset.Rejection> rejections = new ArrayList<>();
    for (String id : sizes.keySet()) {
      if (stuff != null && options.stuffOnly() && !withStuff.contains(id)) {
        rejections.add(new LoadedDataset.Rejection(id, "no_stuff", "image has no stuff annotations"));
        continue;
      }
      List<SceneObject> imageObjects = objects.getOrDefault(id, List.of());
      int n = imageObjects.size();
      if (n < options.minObjects()) {
        rejections.add(new LoadedDataset.Rejection(id, "too_few_objects",
            n + " objects left, fewer than " + options.minObjects()));
        continue;
      }
      if (n > options.maxObjects()) {
        rejections.add(new LoadedDataset.Rejection(id, "too_many_objects",
            n + " objects left, more than " + options.maxObjects()));
        continue;
      }
      List<Box> imageBoxes = boxes.get(id);
      Random random = new Random(options.relationSeed() * 1_000_003L + id.hashCode());
      List<Relationship> relationships = BoxRelations.sampleTriples(imageBoxes, random);
      int[] size = sizes.get(id);
      samples.add(new SceneGraphSample(id, files.get(id), size[0], size[1],
          new SceneGraph(imageObjects, relationships), imageBoxes));
    }
    return new LoadedDataset(vocabulary, samples, rejections);
  }

  private static void readCategories(List<JsonNode> categories, Map<String, Integer> nameToIdx,
      Map<Integer, String> idxToName) {
    for (JsonNode c : categories) {
      int id = c.path("id").asInt();
      String name = c.path("name").asText();
      if (id == 0) {
        throw new IllegalArgumentException("category '" + name + "' has id 0, which is reserved for __image__");
      }
      nameToIdx.put(name, id);
      idxToName.put(id, name);
    }
  }

  private static void addAnnotations(List<Annotation> annotations, Map<String, int[]> sizes,
      Map<Integer, String> idxToName, Options options, Map<String, List<SceneObject>> objects,
      Map<String, List<Box>> boxes) {
    for (Annotation a : annotations) {
      int[] size = sizes.get(a.imageId());
      if (size == null) {
        throw new IllegalArgumentException("annotation " + a.id() + " refers to image " + a.imageId()
            + ", which the instances file does not list");
      }
      double area = a.w() * a.h() / ((double) size[0] * size[1]);
      String name = idxToName.get(a.categoryId());
      if (name == null) {
        throw new IllegalArgumentException("annotation " + a.id() + " has unknown category_id " + a.categoryId());
      }
      boolean boxOk = area > options.minObjectSize();
      boolean otherOk = !name.equals("other") || options.includeOther();
      if (boxOk && otherOk) {
        objects.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(new SceneObject(name));
        boxes.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(new Box(a.x() / size[0], a.y() / size[1],
            (a.x() + a.w()) / size[0], (a.y() + a.h()) / size[1]));
      }
    }
  }
}
