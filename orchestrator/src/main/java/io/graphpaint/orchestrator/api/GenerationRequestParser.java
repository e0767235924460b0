package io.graphpaint.orchestrator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import io.graphpaint.storage.Ids;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an HTTP body into a {@link GenerationRequest}, or into a problem listing every field that
 * is wrong. Two shapes are accepted:
 * <ul>
 *   <li>the sg2im scene graph alone: {@code {"objects": ["sky", {"label": "sheep"}], "relationships": [[1, "below", 0]]}};</li>
 *   <li>the full request: {@code {"requestId": .., "graph": <scene graph>, "numImages": 2, "seed": 7,
 *       "steps": 50, "guidanceScale": 1.5, "size": 32, "modelVersion": "v3", "tags": {..}}}.</li>
 * </ul>
 * Relationships may be sg2im triples {@code [s, "predicate", o]} or objects
 * {@code {"subject", "predicate", "object"}}. Unknown fields are errors, not silently dropped.
 */
public final class GenerationRequestParser {

  public static final int MAX_IMAGES = 8;
  public static final int MAX_LABEL_CHARS = 128;
  public static final int MAX_ATTRIBUTES = 16;
  public static final int MAX_TAGS = 32;
  public static final int MAX_TAG_CHARS = 256;
  public static final float MAX_GUIDANCE = 50f;
  public static final int MIN_SIZE = 8;
  public static final int MAX_SIZE = 1024;

  private static final Set<String> REQUEST_FIELDS = Set.of("requestId", "graph", "numImages", "seed",
      "steps", "guidanceScale", "size", "modelVersion", "tags");
  private static final Set<String> GRAPH_FIELDS = Set.of("objects", "relationships");
  private static final Set<String> OBJECT_FIELDS = Set.of("label", "attributes");
  private static final Set<String> RELATIONSHIP_FIELDS = Set.of("subject", "predicate", "object");

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** Limits on a graph; the record checks its own values. */
  public record Limits(int maxObjects, int maxRelationships, int maxSteps) {
    public Limits {
      if (maxObjects < 1) {
        throw new IllegalArgumentException("maxObjects must be >= 1, got " + maxObjects);
      }
      if (maxRelationships < 0) {
        throw new IllegalArgumentException("maxRelationships must be >= 0, got " + maxRelationships);
      }
      if (maxSteps < 1) {
        throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
      }
    }
  }

  private final Limits limits;

  public GenerationRequestParser(Limits limits) {
    this.limits = limits;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Parses {@code body}. {@code pathId} is the id from {@code PUT /v1/generations/{id}} (null for
   * POST); {@code generatedId} is used when neither the path nor the body names one.
   */
  public GenerationRequest parse(byte[] body, String pathId, String generatedId, Instant now) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ApiProblem(ApiProblem.Kind.MALFORMED_JSON,
          "the body is not valid JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiProblem(ApiProblem.Kind.MALFORMED_JSON, "the body could not be read: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new ApiProblem(ApiProblem.Kind.MALFORMED_JSON, "the body is empty; send a scene graph as JSON");
    }
    List<FieldError> errors = new ArrayList<>();
    if (!root.isObject()) {
      errors.add(new FieldError("$", "must be a JSON object: a scene graph {\"objects\": [...], "
          + "\"relationships\": [...]} or a request {\"graph\": {...}, ...}"));
      throw invalid(errors);
    }
    boolean fullRequest = root.has("graph");
    GenerationRequest.Builder request = GenerationRequest.newBuilder()
        .setNumImages(1).setSeed(null).setSteps(null).setGuidanceScale(null).setSize(null)
        .setModelVersion(null).setTags(Map.of()).setSubmittedAt(now);
    SceneGraph graph;
    String bodyId = null;
    if (fullRequest) {
      unknownFields(root, REQUEST_FIELDS, "", errors);
      graph = graph(root.get("graph"), "graph", errors);
      bodyId = optionalId(root, "requestId", errors);
      request.setNumImages(optionalInt(root, "numImages", 1, MAX_IMAGES, 1, errors));
      request.setSeed(optionalLong(root, "seed", errors));
      Integer steps = optionalInt(root, "steps", 1, limits.maxSteps(), null, errors);
      request.setSteps(steps);
      request.setGuidanceScale(optionalFloat(root, "guidanceScale", 0f, MAX_GUIDANCE, errors));
      request.setSize(optionalInt(root, "size", MIN_SIZE, MAX_SIZE, null, errors));
      request.setModelVersion(optionalId(root, "modelVersion", errors));
      request.setTags(tags(root.get("tags"), errors));
    } else {
      graph = graph(root, "", errors);
    }
    String requestId = pathId != null ? pathId : bodyId != null ? bodyId : generatedId;
    if (pathId != null && bodyId != null && !pathId.equals(bodyId)) {
      errors.add(new FieldError("requestId", "must equal the id in the path ('" + pathId
          + "') or be left out"));
    }
    if (!errors.isEmpty()) {
      throw invalid(errors);
    }
    return request.setRequestId(requestId).setGraph(graph).build();
  }

  private static ApiProblem invalid(List<FieldError> errors) {
    return new ApiProblem(ApiProblem.Kind.INVALID_REQUEST,
        errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid", errors);
  }

  private SceneGraph graph(JsonNode node, String path, List<FieldError> errors) {
    String prefix = path.isEmpty() ? "" : path + ".";
    if (node == null || !node.isObject()) {
      errors.add(new FieldError(path.isEmpty() ? "$" : path,
          "must be a scene graph object {\"objects\": [...], \"relationships\": [...]}"));
      return null;
    }
    unknownFields(node, GRAPH_FIELDS, prefix, errors);
    List<SceneObject> objects = new ArrayList<>();
    JsonNode objectsNode = node.get("objects");
    if (objectsNode == null || !objectsNode.isArray()) {
      errors.add(new FieldError(prefix + "objects", "is required: an array of 1 to "
          + limits.maxObjects() + " labels or {\"label\", \"attributes\"} objects"));
    } else if (objectsNode.isEmpty() || objectsNode.size() > limits.maxObjects()) {
      errors.add(new FieldError(prefix + "objects", "must have 1 to " + limits.maxObjects()
          + " objects, got " + objectsNode.size()));
    } else {
      for (int i = 0; i < objectsNode.size(); i++) {
        objects.add(object(objectsNode.get(i), prefix + "objects[" + i + "]", errors));
      }
    }
    List<Relationship> relationships = new ArrayList<>();
    JsonNode relationshipsNode = node.get("relationships");
    if (relationshipsNode != null && !relationshipsNode.isNull()) {
      if (!relationshipsNode.isArray()) {
        errors.add(new FieldError(prefix + "relationships",
            "must be an array of [subject, \"predicate\", object] triples"));
      } else if (relationshipsNode.size() > limits.maxRelationships()) {
        errors.add(new FieldError(prefix + "relationships", "must have at most "
            + limits.maxRelationships() + " relationships, got " + relationshipsNode.size()));
      } else {
        int objectCount = objectsNode != null && objectsNode.isArray() ? objectsNode.size() : 0;
        for (int i = 0; i < relationshipsNode.size(); i++) {
          relationships.add(relationship(relationshipsNode.get(i),
              prefix + "relationships[" + i + "]", objectCount, errors));
        }
      }
    }
    return SceneGraph.newBuilder().setObjects(objects).setRelationships(relationships).build();
  }

  private SceneObject object(JsonNode node, String path, List<FieldError> errors) {
    List<String> attributes = new ArrayList<>();
    String label = null;
    if (node.isTextual()) {
      label = label(node, path, errors);
    } else if (node.isObject()) {
      unknownFields(node, OBJECT_FIELDS, path + ".", errors);
      label = label(node.get("label"), path + ".label", errors);
      JsonNode attrs = node.get("attributes");
      if (attrs != null && !attrs.isNull()) {
        if (!attrs.isArray() || attrs.size() > MAX_ATTRIBUTES) {
          errors.add(new FieldError(path + ".attributes",
              "must be an array of at most " + MAX_ATTRIBUTES + " strings"));
        } else {
          for (int i = 0; i < attrs.size(); i++) {
            String attribute = label(attrs.get(i), path + ".attributes[" + i + "]", errors);
            if (attribute != null) {
              attributes.add(attribute);
            }
          }
        }
      }
    } else {
      errors.add(new FieldError(path, "must be a label string or {\"label\": .., \"attributes\": [..]}"));
    }
    return SceneObject.newBuilder().setLabel(label == null ? "" : label).setAttributes(attributes).build();
  }

  private static String label(JsonNode node, String path, List<FieldError> errors) {
    if (node == null || !node.isTextual() || node.asText().isBlank()
        || node.asText().length() > MAX_LABEL_CHARS) {
      errors.add(new FieldError(path, "must be a non-blank string of at most " + MAX_LABEL_CHARS
          + " characters"));
      return null;
    }
    return node.asText().strip();
  }

  private static Relationship relationship(JsonNode node, String path, int objectCount,
      List<FieldError> errors) {
    JsonNode subject;
    JsonNode predicate;
    JsonNode object;
    String subjectPath;
    String predicatePath;
    String objectPath;
    if (node.isArray()) {
      if (node.size() != 3) {
        errors.add(new FieldError(path, "must be a triple [subject, \"predicate\", object], got "
            + node.size() + " elements"));
        return null;
      }
      subject = node.get(0);
      predicate = node.get(1);
      object = node.get(2);
      subjectPath = path + "[0]";
      predicatePath = path + "[1]";
      objectPath = path + "[2]";
    } else if (node.isObject()) {
      unknownFields(node, RELATIONSHIP_FIELDS, path + ".", errors);
      subject = node.get("subject");
      predicate = node.get("predicate");
      object = node.get("object");
      subjectPath = path + ".subject";
      predicatePath = path + ".predicate";
      objectPath = path + ".object";
    } else {
      errors.add(new FieldError(path, "must be a triple [subject, \"predicate\", object]"));
      return null;
    }
    Integer s = index(subject, subjectPath, objectCount, errors);
    String p = label(predicate, predicatePath, errors);
    Integer o = index(object, objectPath, objectCount, errors);
    if (s == null || p == null || o == null) {
      return null;
    }
    return Relationship.newBuilder().setSubject(s).setPredicate(p).setObject(o).build();
  }

  private static Integer index(JsonNode node, String path, int objectCount, List<FieldError> errors) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()
        || node.asInt() < 0 || node.asInt() >= objectCount) {
      errors.add(new FieldError(path, objectCount == 0
          ? "must be an index into objects, but there are no objects"
          : "must be an object index in [0, " + (objectCount - 1) + "], got " + node));
      return null;
    }
    return node.asInt();
  }

  private static void unknownFields(JsonNode node, Set<String> known, String prefix,
      List<FieldError> errors) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        errors.add(new FieldError(prefix + name, "is not a known field; allowed: "
            + known.stream().sorted().toList()));
      }
    }
  }

  private static Integer optionalInt(JsonNode root, String field, int min, int max, Integer fallback,
      List<FieldError> errors) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
      errors.add(new FieldError(field, "must be an integer in [" + min + ", " + max + "], got " + node));
      return fallback;
    }
    return node.asInt();
  }

  private static Long optionalLong(JsonNode root, String field, List<FieldError> errors) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      errors.add(new FieldError(field, "must be a 64-bit integer, got " + node));
      return null;
    }
    return node.asLong();
  }

  private static Float optionalFloat(JsonNode root, String field, float min, float max,
      List<FieldError> errors) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber() || !Double.isFinite(node.asDouble()) || node.asDouble() < min
        || node.asDouble() > max) {
      errors.add(new FieldError(field, "must be a number in [" + min + ", " + max + "], got " + node));
      return null;
    }
    return (float) node.asDouble();
  }

  private static String optionalId(JsonNode root, String field, List<FieldError> errors) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || !Ids.isValid(node.asText())) {
      errors.add(new FieldError(field, "must match " + Ids.RULE + ", got " + node));
      return null;
    }
    return node.asText();
  }

  private static Map<String, String> tags(JsonNode node, List<FieldError> errors) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return tags;
    }
    if (!node.isObject() || node.size() > MAX_TAGS) {
      errors.add(new FieldError("tags", "must be an object of at most " + MAX_TAGS
          + " string values"));
      return tags;
    }
    node.fields().forEachRemaining(entry -> {
      JsonNode value = entry.getValue();
      if (!value.isTextual() || value.asText().length() > MAX_TAG_CHARS
          || entry.getKey().length() > MAX_TAG_CHARS) {
        errors.add(new FieldError("tags." + entry.getKey(), "must be a string of at most "
            + MAX_TAG_CHARS + " characters (names too)"));
      } else {
        tags.put(entry.getKey(), value.asText());
      }
    });
    return tags;
  }
}
