package io.graphpaint.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Object, predicate and attribute names with their ids, laid out as sg2im's {@code vocab.json}:
 * object id 0 is {@code __image__}, predicate id 0 is {@code __in_image__}. Object ids may have
 * gaps (COCO category ids do); sg2im fills them with {@code "NONE"} in {@code object_idx_to_name},
 * and so does this class.
 */
public final class Vocabulary {

  public static final String IMAGE = "__image__";
  public static final String IN_IMAGE = "__in_image__";
  /** Placeholder sg2im writes for unused object ids. */
  public static final String UNUSED = "NONE";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int CLOSEST_SHOWN = 3;

  private final Map<String, Integer> objectNameToIdx;
  private final List<String> objectIdxToName;
  private final Map<String, Integer> predNameToIdx;
  private final List<String> predIdxToName;
  private final Map<String, Integer> attributeNameToIdx;
  private final List<String> attributeIdxToName;

  private Vocabulary(
      Map<String, Integer> objectNameToIdx,
      Map<String, Integer> predNameToIdx,
      Map<String, Integer> attributeNameToIdx) {
    this.objectNameToIdx = Collections.unmodifiableMap(new LinkedHashMap<>(objectNameToIdx));
    this.predNameToIdx = Collections.unmodifiableMap(new LinkedHashMap<>(predNameToIdx));
    this.attributeNameToIdx = Collections.unmodifiableMap(new LinkedHashMap<>(attributeNameToIdx));
    Integer image = objectNameToIdx.get(IMAGE);
    if (image == null || image != 0) {
      throw new IllegalArgumentException(
          "object_name_to_idx must map " + IMAGE + " to 0, got " + image);
    }
    Integer inImage = predNameToIdx.get(IN_IMAGE);
    if (inImage == null || inImage != 0) {
      throw new IllegalArgumentException(
          "pred_name_to_idx must map " + IN_IMAGE + " to 0, got " + inImage);
    }
    this.objectIdxToName = invert("object_name_to_idx", objectNameToIdx, true);
    this.predIdxToName = invert("pred_name_to_idx", predNameToIdx, false);
    this.attributeIdxToName = invert("attribute_name_to_idx", attributeNameToIdx, false);
  }

  /** Builds a vocabulary with dense ids in the given order; the reserved names are prepended. */
  public static Vocabulary of(List<String> objectNames, List<String> predicates, List<String> attributes) {
    Map<String, Integer> objects = new LinkedHashMap<>();
    objects.put(IMAGE, 0);
    for (String name : objectNames) {
      if (!IMAGE.equals(name)) {
        putUnique("object", objects, name);
      }
    }
    Map<String, Integer> preds = new LinkedHashMap<>();
    preds.put(IN_IMAGE, 0);
    for (String name : predicates) {
      if (!IN_IMAGE.equals(name)) {
        putUnique("predicate", preds, name);
      }
    }
    Map<String, Integer> attrs = new LinkedHashMap<>();
    for (String name : attributes) {
      putUnique("attribute", attrs, name);
    }
    return new Vocabulary(objects, preds, attrs);
  }

  /** Builds a vocabulary from explicit name-to-id maps (ids may have gaps for objects). */
  public static Vocabulary ofIds(
      Map<String, Integer> objectNameToIdx,
      Map<String, Integer> predNameToIdx,
      Map<String, Integer> attributeNameToIdx) {
    return new Vocabulary(objectNameToIdx, predNameToIdx, attributeNameToIdx);
  }

  private static void putUnique(String kind, Map<String, Integer> map, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(kind + " names must be non-blank, got " + name);
    }
    if (map.putIfAbsent(name, map.size()) != null) {
      throw new IllegalArgumentException("duplicate " + kind + " name '" + name + "'");
    }
  }

  private static List<String> invert(String field, Map<String, Integer> nameToIdx, boolean allowGaps) {
    int max = nameToIdx.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    List<String> idxToName = new ArrayList<>(Collections.nCopies(max + 1, (String) null));
    for (Map.Entry<String, Integer> e : nameToIdx.entrySet()) {
      int idx = e.getValue();
      if (idx < 0) {
        throw new IllegalArgumentException(field + ": id of '" + e.getKey() + "' must be >= 0, got " + idx);
      }
      String previous = idxToName.set(idx, e.getKey());
      if (previous != null) {
        throw new IllegalArgumentException(
            field + ": '" + previous + "' and '" + e.getKey() + "' share id " + idx);
      }
    }
    for (int i = 0; i < idxToName.size(); i++) {
      if (idxToName.get(i) == null) {
        if (!allowGaps) {
          throw new IllegalArgumentException(field + ": ids must be dense 0.." + max + ", id " + i + " is unused");
        }
        idxToName.set(i, UNUSED);
      }
    }
    return Collections.unmodifiableList(idxToName);
  }

  public int objectIndex(String label) {
    return lookup("object label", objectNameToIdx, label);
  }

  public int predicateIndex(String predicate) {
    return lookup("predicate", predNameToIdx, predicate);
  }

  public int attributeIndex(String attribute) {
    return lookup("attribute", attributeNameToIdx, attribute);
  }

  public boolean hasObject(String label) {
    return objectNameToIdx.containsKey(label);
  }

  public boolean hasPredicate(String predicate) {
    return predNameToIdx.containsKey(predicate);
  }

  public String objectName(int idx) {
    return objectIdxToName.get(idx);
  }

  public String predicateName(int idx) {
    return predIdxToName.get(idx);
  }

  /** Number of object ids, counting {@code __image__} and gaps (the embedding table size). */
  public int numObjectIds() {
    return objectIdxToName.size();
  }

  /** Number of predicate ids, counting {@code __in_image__}. */
  public int numPredicateIds() {
    return predIdxToName.size();
  }

  public int numAttributeIds() {
    return attributeIdxToName.size();
  }

  /** Object names a user may write (without {@code __image__} and gap placeholders), by id. */
  public List<String> objectLabels() {
    return objectNameToIdx.entrySet().stream()
        .filter(e -> !IMAGE.equals(e.getKey()))
        .sorted(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Predicates a user may write (without {@code __in_image__}), by id. */
  public List<String> predicates() {
    return predIdxToName.subList(1, predIdxToName.size());
  }

  public List<String> attributes() {
    return attributeIdxToName;
  }

  /**
   * Checks every label and predicate of {@code graph} and maps it to ids, appending the
   * {@code __image__} node and one {@code __in_image__} triple per object as sg2im does.
   *
   * @throws UnknownLabelException naming the first unknown label and the closest known ones
   */
  public EncodedSceneGraph encode(SceneGraph graph) {
    int numObjects = graph.objects().size();
    long[] objs = new long[numObjects + 1];
    for (int i = 0; i < numObjects; i++) {
      SceneObject object = graph.objects().get(i);
      objs[i] = objectIndex(object.label());
      for (String attribute : object.attributes()) {
        attributeIndex(attribute);
      }
    }
    objs[numObjects] = objectNameToIdx.get(IMAGE);
    List<Relationship> rels = graph.relationships();
    long[] triples = new long[3 * (rels.size() + numObjects)];
    int t = 0;
    for (Relationship r : rels) {
      triples[t++] = r.subject();
      triples[t++] = predicateIndex(r.predicate());
      triples[t++] = r.object();
    }
    long inImage = predNameToIdx.get(IN_IMAGE);
    for (int i = 0; i < numObjects; i++) {
      triples[t++] = i;
      triples[t++] = inImage;
      triples[t++] = numObjects;
    }
    return new EncodedSceneGraph(objs, triples);
  }

  private static int lookup(String kind, Map<String, Integer> map, String name) {
    Integer idx = map.get(name);
    if (idx == null) {
      throw new UnknownLabelException(kind, name, closest(name, map.keySet()), map.size());
    }
    return idx;
  }

  /** Known names nearest to {@code name} by Levenshtein distance (case-insensitive), best first. */
  static List<String> closest(String name, Iterable<String> known) {
    String lower = name == null ? "" : name.toLowerCase();
    List<Map.Entry<String, Integer>> scored = new ArrayList<>();
    for (String candidate : known) {
      if (IMAGE.equals(candidate) || IN_IMAGE.equals(candidate)) {
        continue;
      }
      scored.add(Map.entry(candidate, editDistance(lower, candidate.toLowerCase())));
    }
    scored.sort(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    List<String> result = new ArrayList<>();
    for (int i = 0; i < Math.min(CLOSEST_SHOWN, scored.size()); i++) {
      result.add(scored.get(i).getKey());
    }
    return result;
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  // ---- sg2im vocab.json ----

  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.set("object_name_to_idx", JSON.valueToTree(objectNameToIdx));
    root.set("object_idx_to_name", JSON.valueToTree(objectIdxToName));
    root.set("pred_name_to_idx", JSON.valueToTree(predNameToIdx));
    root.set("pred_idx_to_name", JSON.valueToTree(predIdxToName));
    root.set("attribute_name_to_idx", JSON.valueToTree(attributeNameToIdx));
    root.set("attribute_idx_to_name", JSON.valueToTree(attributeIdxToName));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Vocabulary fromJson(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("vocabulary is not valid JSON: " + e.getMessage(), e);
    }
    Map<String, Integer> objects = readMap(root, "object_name_to_idx", true);
    Map<String, Integer> preds = readMap(root, "pred_name_to_idx", true);
    Map<String, Integer> attrs = readMap(root, "attribute_name_to_idx", false);
    Vocabulary vocab = new Vocabulary(objects, preds, attrs);
    checkIdxToName(root, "object_idx_to_name", vocab.objectIdxToName);
    checkIdxToName(root, "pred_idx_to_name", vocab.predIdxToName);
    checkIdxToName(root, "attribute_idx_to_name", vocab.attributeIdxToName);
    return vocab;
  }

  private static Map<String, Integer> readMap(JsonNode root, String field, boolean required) {
    JsonNode node = root.get(field);
    Map<String, Integer> map = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      if (required) {
        throw new IllegalArgumentException("vocabulary JSON lacks the required field '" + field + "'");
      }
      return map;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("vocabulary field '" + field + "' must be an object of name -> id");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().canConvertToInt()) {
        throw new IllegalArgumentException(
            "vocabulary field '" + field + "': id of '" + e.getKey() + "' must be an integer, got " + e.getValue());
      }
      map.put(e.getKey(), e.getValue().intValue());
    }
    return map;
  }

  private static void checkIdxToName(JsonNode root, String field, List<String> expected) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return;
    }
    if (!(node instanceof ArrayNode array) || array.size() != expected.size()) {
      throw new IllegalArgumentException("vocabulary field '" + field + "' must be a list of "
          + expected.size() + " names matching the name -> id map");
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!array.get(i).asText().equals(expected.get(i))) {
        throw new IllegalArgumentException("vocabulary field '" + field + "'[" + i + "] is '"
            + array.get(i).asText() + "' but the name -> id map gives '" + expected.get(i) + "'");
      }
    }
  }

  public void save(Path file) throws IOException {
    Files.write(file, toJson());
  }

  public static Vocabulary load(Path file) throws IOException {
    return fromJson(Files.readAllBytes(file));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Vocabulary v
        && objectNameToIdx.equals(v.objectNameToIdx)
        && predNameToIdx.equals(v.predNameToIdx)
        && attributeNameToIdx.equals(v.attributeNameToIdx);
  }

  @Override
  public int hashCode() {
    return new HashMap<>(objectNameToIdx).hashCode() * 31 + predNameToIdx.hashCode();
  }

  @Override
  public String toString() {
    return "Vocabulary[" + (objectNameToIdx.size() - 1) + " objects, " + (predNameToIdx.size() - 1)
        + " predicates, " + attributeNameToIdx.size() + " attributes]";
  }
}
