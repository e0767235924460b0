package io.graphpaint.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Visual Genome with sg2im's preprocessing ({@code scripts/preprocess_vg.py}), from either
 * {@code scene_graphs.json} or {@code objects.json} + {@code relationships.json} (+ optional
 * {@code attributes.json}), always with {@code image_data.json} for the image sizes:
 *
 * <ol>
 *   <li>images whose shorter side is below {@code minImageSize} are dropped;
 *   <li>the object vocabulary is every (aliased) name given to at least {@code minObjectInstances}
 *       objects of the training images, most frequent first; attributes likewise;
 *   <li>an object keeps the first of its names that is in the vocabulary, and is dropped when it
 *       has none or its box is narrower or lower than {@code minObjectSize};
 *   <li>predicates (lower-cased, trimmed, aliased) between kept objects of the training images
 *       with at least {@code minRelationshipInstances} uses form the predicate vocabulary, in
 *       order of first use;
 *   <li>an image is kept with {@code minObjects..maxObjects} objects and
 *       {@code minRelationships..maxRelationships} relationships left.
 * </ol>
 *
 * All images count as training images unless a set of training ids is given. sg2im lower-cases
 * predicates only for training images (a side effect of building the vocabulary); here every
 * predicate is normalised the same way.
 */
public final class VisualGenomeLoader {

  /** Thresholds; {@link #sg2imDefaults()} are those of sg2im's preprocess_vg.py. */
  public record Options(
      int minImageSize,
      int minObjectSize,
      int minObjectInstances,
      int minAttributeInstances,
      int minRelationshipInstances,
      int minObjects,
      int maxObjects,
      int minRelationships,
      int maxRelationships,
      int maxAttributesPerObject,
      Map<String, String> objectAliases,
      Map<String, String> relationshipAliases,
      Set<String> trainImageIds) {

    public Options {
      if (minImageSize < 0 || minObjectSize < 0 || minObjectInstances < 1 || minAttributeInstances < 1
          || minRelationshipInstances < 1) {
        throw new IllegalArgumentException("sizes must be >= 0 and instance thresholds >= 1");
      }
      if (minObjects < 0 || minObjects > maxObjects) {
        throw new IllegalArgumentException("need 0 <= minObjects <= maxObjects, got " + minObjects + ", " + maxObjects);
      }
      if (minRelationships < 0 || minRelationships > maxRelationships) {
        throw new IllegalArgumentException(
            "need 0 <= minRelationships <= maxRelationships, got " + minRelationships + ", " + maxRelationships);
      }
      objectAliases = objectAliases == null ? Map.of() : Map.copyOf(objectAliases);
      relationshipAliases = relationshipAliases == null ? Map.of() : Map.copyOf(relationshipAliases);
    }

    public static Options sg2imDefaults() {
      return new Options(200, 32, 2000, 2000, 500, 3, 30, 1, 30, 30, Map.of(), Map.of(), null);
    }

    public Options withThresholds(int minImage, int minObjectSize, int minObjectInstances,
        int minAttributeInstances, int minRelationshipInstances) {
      return new Options(minImage, minObjectSize, minObjectInstances, minAttributeInstances,
          minRelationshipInstances, minObjects, maxObjects, minRelationships, maxRelationships,
          maxAttributesPerObject, objectAliases, relationshipAliases, trainImageIds);
    }
  }

  /** Reads sg2im's alias files: each line {@code canonical,alias1,alias2,...}. */
  public static Map<String, String> readAliases(String text) {
    Map<String, String> aliases = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] names = line.strip().split(",");
      if (names.length < 2 || names[0].isBlank()) {
        continue;
      }
      for (String alias : names) {
        aliases.put(alias.strip(), names[0].strip());
      }
    }
    return aliases;
  }

  private record VgObject(long id, List<String> names, double x, double y, double w, double h, List<String> attributes) {}

  private record VgRelationship(long id, String predicate, long subject, long object) {}

  private record VgImage(String id, int width, int height, String file) {}

  private VisualGenomeLoader() {}

  /** From {@code scene_graphs.json} and {@code image_data.json}, read as streams. */
  public static LoadedDataset loadSceneGraphs(Path sceneGraphs, Path imageData, Options options) throws IOException {
    try (InputStream graphs = Files.newInputStream(sceneGraphs); InputStream images = Files.newInputStream(imageData)) {
      return loadSceneGraphs(graphs, images, options);
    }
  }

  public static LoadedDataset loadSceneGraphs(byte[] sceneGraphs, byte[] imageData, Options options) throws IOException {
    return loadSceneGraphs(new ByteArrayInputStream(sceneGraphs), new ByteArrayInputStream(imageData), options);
  }

  public static LoadedDataset loadSceneGraphs(InputStream sceneGraphs, InputStream imageData, Options options)
      throws IOException {
    Map<String, List<VgObject>> objects = new LinkedHashMap<>();
    Map<String, List<VgRelationship>> relationships = new HashMap<>();
    JsonStreams.forEachElement(sceneGraphs, "scene_graphs.json", image -> {
      String imageId = imageId(image);
      objects.put(imageId, readObjects(image.path("objects"), image.path("objects")));
      List<VgRelationship> rels = new ArrayList<>();
      for (JsonNode r : image.path("relationships")) {
        rels.add(new VgRelationship(r.path("relationship_id").asLong(), r.path("predicate").asText(),
            r.has("subject_id") ? r.path("subject_id").asLong() : r.path("subject").path("object_id").asLong(),
            r.has("object_id") ? r.path("object_id").asLong() : r.path("object").path("object_id").asLong()));
      }
      relationships.put(imageId, rels);
    });
    return filter(readImages(imageData), objects, relationships, options);
  }

  /**
   * From {@code objects.json}, {@code relationships.json}, {@code image_data.json} and optionally
   * {@code attributes.json}, read as streams.
   */
  public static LoadedDataset loadSeparateFiles(Path objectsJson, Path relationshipsJson, Path imageData,
      Path attributesJson, Options options) throws IOException {
    try (InputStream objects = Files.newInputStream(objectsJson);
        InputStream relationships = Files.newInputStream(relationshipsJson);
        InputStream images = Files.newInputStream(imageData);
        InputStream attributes = attributesJson == null ? null : Files.newInputStream(attributesJson)) {
      return loadSeparateFiles(objects, relationships, images, attributes, options);
    }
  }

  public static LoadedDataset loadSeparateFiles(byte[] objectsJson, byte[] relationshipsJson, byte[] imageData,
      byte[] attributesJson, Options options) throws IOException {
    return loadSeparateFiles(new ByteArrayInputStream(objectsJson), new ByteArrayInputStream(relationshipsJson),
        new ByteArrayInputStream(imageData), attributesJson == null ? null : new ByteArrayInputStream(attributesJson),
        options);
  }

  public static LoadedDataset loadSeparateFiles(InputStream objectsJson, InputStream relationshipsJson,
      InputStream imageData, InputStream attributesJson, Options options) throws IOException {
    Map<String, Map<Long, List<String>>> attributesByImage = new HashMap<>();
    if (attributesJson != null) {
      JsonStreams.forEachElement(attributesJson, "attributes.json",
          image -> attributesByImage.put(imageId(image), readAttributes(image.path("attributes"))));
    }
    Map<String, List<VgObject>> objects = new LinkedHashMap<>();
    JsonStreams.forEachElement(objectsJson, "objects.json", image -> {
      String imageId = imageId(image);
      objects.put(imageId, readObjects(image.path("objects"), attributesByImage.getOrDefault(imageId, Map.of())));
    });
    Map<String, List<VgRelationship>> relationships = new HashMap<>();
    JsonStreams.forEachElement(relationshipsJson, "relationships.json", image -> {
      List<VgRelationship> rels = new ArrayList<>();
      for (JsonNode r : image.path("relationships")) {
        rels.add(new VgRelationship(r.path("relationship_id").asLong(), r.path("predicate").asText(),
            r.path("subject").path("object_id").asLong(), r.path("object").path("object_id").asLong()));
      }
      relationships.put(imageId(image), rels);
    });
    return filter(readImages(imageData), objects, relationships, options);
  }

  private static String imageId(JsonNode image) {
    JsonNode id = image.has("image_id") ? image.get("image_id") : image.get("id");
    if (id == null) {
      throw new IllegalArgumentException("Visual Genome record without image_id: " + abbreviate(image));
    }
    return id.asText();
  }

  private static String abbreviate(JsonNode node) {
    String s = node.toString();
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  private static Map<String, VgImage> readImages(InputStream imageData) throws IOException {
    Map<String, VgImage> images = new LinkedHashMap<>();
    JsonStreams.forEachElement(imageData, "image_data.json", image -> {
      String id = imageId(image);
      String url = image.path("url").asText("");
      String[] parts = url.split("/");
      // sg2im keeps the last two segments of the URL: VG_100K/1.jpg
      String file = parts.length >= 2 && !url.isEmpty() ? parts[parts.length - 2] + "/" + parts[parts.length - 1] : id + ".jpg";
      images.put(id, new VgImage(id, image.path("width").asInt(), image.path("height").asInt(), file));
    });
    return images;
  }

  /** Object id to attribute names, from a list of {@code {object_id, attributes: [...]}}. */
  private static Map<Long, List<String>> readAttributes(JsonNode attributeSource) {
    Map<Long, List<String>> attributes = new HashMap<>();
    for (JsonNode a : attributeSource) {
      List<String> names = new ArrayList<>();
      for (JsonNode n : a.path("attributes")) {
        names.add(n.asText().strip().toLowerCase());
      }
      if (!names.isEmpty()) {
        attributes.put(a.path("object_id").asLong(), names);
      }
    }
    return attributes;
  }

  /** Attributes come inline (scene_graphs.json) or from attributes.json, by object id. */
  private static List<VgObject> readObjects(JsonNode objects, JsonNode inlineAttributes) {
    return readObjects(objects, readAttributes(inlineAttributes));
  }

  private static List<VgObject> readObjects(JsonNode objects, Map<Long, List<String>> attributes) {
    List<VgObject> result = new ArrayList<>();
    for (JsonNode o : objects) {
      List<String> names = new ArrayList<>();
      if (o.has("names")) {
        o.get("names").forEach(n -> names.add(n.asText()));
      } else if (o.has("name")) {
        names.add(o.get("name").asText());
      }
      long id = o.path("object_id").asLong();
      result.add(new VgObject(id, names, o.path("x").asDouble(), o.path("y").asDouble(), o.path("w").asDouble(),
          o.path("h").asDouble(), attributes.getOrDefault(id, List.of())));
    }
    return result;
  }

  private static LoadedDataset filter(Map<String, VgImage> images, Map<String, List<VgObject>> objectsByImage,
      Map<String, List<VgRelationship>> relationshipsByImage, Options options) {
    List<LoadedDataset.Rejection> rejections = new ArrayList<>();
    // 1. image size (sg2im: min(height, width) < min_image_size)
    List<String> imageIds = new ArrayList<>();
    for (String id : objectsByImage.keySet()) {
      VgImage image = images.get(id);
      if (image == null) {
        rejections.add(new LoadedDataset.Rejection(id, "no_image_data", "image " + id + " is not in image_data.json"));
      } else if (Math.min(image.width(), image.height()) < options.minImageSize()) {
        rejections.add(new LoadedDataset.Rejection(id, "small_image", "image is " + image.width() + " x "
            + image.height() + ", shorter side below " + options.minImageSize()));
      } else {
        imageIds.add(id);
      }
    }
    Set<String> train = options.trainImageIds() == null ? new LinkedHashSet<>(imageIds) : options.trainImageIds();

    // 2. object and attribute vocabularies from the training images
    Map<String, Integer> nameCounts = new LinkedHashMap<>();
    Map<String, Integer> attributeCounts = new LinkedHashMap<>();
    for (String id : imageIds) {
      if (!train.contains(id)) {
        continue;
      }
      for (VgObject o : objectsByImage.get(id)) {
        Set<String> names = new LinkedHashSet<>();
        o.names().forEach(n -> names.add(options.objectAliases().getOrDefault(n, n)));
        names.forEach(n -> nameCounts.merge(n, 1, Integer::sum));
        new LinkedHashSet<>(o.attributes()).forEach(a -> attributeCounts.merge(a, 1, Integer::sum));
      }
    }
    List<String> objectNames = mostCommon(nameCounts, options.minObjectInstances());
    List<String> attributeNames = mostCommon(attributeCounts, options.minAttributeInstances());
    Set<String> objectVocab = new LinkedHashSet<>(objectNames);
    Set<String> attributeVocab = new LinkedHashSet<>(attributeNames);

    // 3. objects: first name in the vocabulary, box at least minObjectSize on both sides
    Map<Long, String> keptObjectNames = new HashMap<>();
    for (String id : imageIds) {
      for (VgObject o : objectsByImage.get(id)) {
        String name = null;
        for (String n : o.names()) {
          String aliased = options.objectAliases().getOrDefault(n, n);
          if (objectVocab.contains(aliased)) {
            name = aliased;
            break;
          }
        }
        boolean tooSmall = o.w() < options.minObjectSize() || o.h() < options.minObjectSize();
        if (name != null && !tooSmall) {
          keptObjectNames.put(o.id(), name);
        }
      }
    }

    // 4. predicate vocabulary from relationships between kept objects of training images
    Map<String, Integer> predicateCounts = new LinkedHashMap<>();
    for (String id : imageIds) {
      if (!train.contains(id)) {
        continue;
      }
      for (VgRelationship r : relationshipsByImage.getOrDefault(id, List.of())) {
        if (keptObjectNames.containsKey(r.subject()) && keptObjectNames.containsKey(r.object())) {
          predicateCounts.merge(normalisePredicate(r.predicate(), options), 1, Integer::sum);
        }
      }
    }
    List<String> predicates = new ArrayList<>();
    predicateCounts.forEach((p, c) -> {
      if (c >= options.minRelationshipInstances()) {
        predicates.add(p);
      }
    });
    Vocabulary vocabulary = Vocabulary.of(objectNames, predicates, attributeNames);

    // 5. per image: object and relationship counts
    List<SceneGraphSample> samples = new ArrayList<>();
    for (String id : imageIds) {
      VgImage image = images.get(id);
      List<SceneObject> objects = new ArrayList<>();
      List<Box> boxes = new ArrayList<>();
      Map<Long, Integer> index = new HashMap<>();
      for (VgObject o : objectsByImage.get(id)) {
        String name = keptObjectNames.get(o.id());
        if (name == null || index.containsKey(o.id())) {
          continue;
        }
        index.put(o.id(), objects.size());
        List<String> attributes = o.attributes().stream().filter(attributeVocab::contains).distinct()
            .limit(options.maxAttributesPerObject()).toList();
        objects.add(new SceneObject(name, attributes));
        boxes.add(new Box(o.x() / image.width(), o.y() / image.height(), (o.x() + o.w()) / image.width(),
            (o.y() + o.h()) / image.height()));
      }
      if (objects.size() < options.minObjects()) {
        rejections.add(new LoadedDataset.Rejection(id, "too_few_objects",
            objects.size() + " objects left, fewer than " + options.minObjects()));
        continue;
      }
      if (objects.size() > options.maxObjects()) {
        rejections.add(new LoadedDataset.Rejection(id, "too_many_objects",
            objects.size() + " objects left, more than " + options.maxObjects()));
        continue;
      }
      List<Relationship> relationships = new ArrayList<>();
      for (VgRelationship r : relationshipsByImage.getOrDefault(id, List.of())) {
        String predicate = normalisePredicate(r.predicate(), options);
        Integer s = index.get(r.subject());
        Integer o = index.get(r.object());
        if (!vocabulary.hasPredicate(predicate) || s == null || o == null || s.equals(o)) {
          continue;
        }
        relationships.add(new Relationship(s, predicate, o));
      }
      if (relationships.size() < options.minRelationships()) {
        rejections.add(new LoadedDataset.Rejection(id, "too_few_relationships",
            relationships.size() + " relationships left, fewer than " + options.minRelationships()));
        continue;
      }
      if (relationships.size() > options.maxRelationships()) {
        rejections.add(new LoadedDataset.Rejection(id, "too_many_relationships",
            relationships.size() + " relationships left, more than " + options.maxRelationships()));
        continue;
      }
      samples.add(new SceneGraphSample(id, image.file(), image.width(), image.height(),
          new SceneGraph(objects, relationships), boxes));
    }
    return new LoadedDataset(vocabulary, samples, rejections);
  }

  private static String normalisePredicate(String predicate, Options options) {
    String p = predicate.toLowerCase().strip();
    return options.relationshipAliases().getOrDefault(p, p);
  }

  /** Names with at least {@code min} uses, most used first, ties in order of first use (Python's Counter.most_common). */
  private static List<String> mostCommon(Map<String, Integer> counts, int min) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort((a, b) -> Integer.compare(b.getValue(), a.getValue())); // stable: ties keep first-use order
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, Integer> e : entries) {
      if (e.getValue() >= min) {
        names.add(e.getKey());
      }
    }
    return names;
  }
}
