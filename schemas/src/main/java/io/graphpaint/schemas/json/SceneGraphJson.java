package io.graphpaint.schemas.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The sg2im JSON form of a scene graph and its mapping to {@link SceneGraph}:
 *
 * <pre>{@code
 * {"objects": ["red circle", {"label": "blue square", "attributes": ["small"]}],
 *  "relationships": [[0, "left of", 1]]}
 * }</pre>
 *
 * Objects are label strings or {@code {"label", "attributes"}} objects; relationships are
 * {@code [subject index, "predicate", object index]} triples (or {@code {"subject", "predicate",
 * "object"}} objects) and may be left out. Unknown fields are refused. Every violation is reported,
 * each naming the field and the rule, e.g. {@code relationships[2][0]: index 5 out of range [0, 3)}.
 *
 * <p>{@link #toJson} writes the compact form (a bare label when an object has no attributes), which
 * {@link #fromJson} reads back to an equal {@link SceneGraph}. Thread-safe.
 */
public final class SceneGraphJson {

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private static final Set<String> GRAPH_FIELDS = Set.of("objects", "relationships");
  private static final Set<String> OBJECT_FIELDS = Set.of("label", "attributes");
  private static final Set<String> RELATIONSHIP_FIELDS = Set.of("subject", "predicate", "object");

  private final SceneGraphLimits limits;

  public SceneGraphJson(SceneGraphLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public SceneGraphLimits limits() {
    return limits;
  }

  /**
   * Parses and validates a JSON text.
   *
   * @throws JsonValidationException listing every violation (or that the text is not JSON)
   */
  public SceneGraph parse(String json) {
    return fromJson(readTree(json));
  }

  /** Validates and maps a parsed document; throws {@link JsonValidationException}. */
  public SceneGraph fromJson(JsonNode node) {
    Violations violations = new Violations();
    SceneGraph graph = read(node, "", violations);
    violations.throwIfAny();
    return graph;
  }

  /** The compact sg2im form of {@code graph}. */
  public ObjectNode toJson(SceneGraph graph) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode objects = root.putArray("objects");
    for (SceneObject object : graph.getObjects()) {
      if (object.getAttributes().isEmpty()) {
        objects.add(object.getLabel());
      } else {
        ObjectNode full = objects.addObject().put("label", object.getLabel());
        ArrayNode attributes = full.putArray("attributes");
        object.getAttributes().forEach(attributes::add);
      }
    }
    ArrayNode relationships = root.putArray("relationships");
    for (Relationship relationship : graph.getRelationships()) {
      relationships.addArray()
          .add(relationship.getSubject())
          .add(relationship.getPredicate())
          .add(relationship.getObject());
    }
    return root;
  }

  public String write(SceneGraph graph) {
    return toJson(graph).toString();
  }

  // ---------------------------------------------------------------- reading

  static JsonNode readTree(String json) {
    if (json == null || json.isBlank()) {
      throw new JsonValidationException(List.of("$: empty document; expected a JSON object"));
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new JsonValidationException(List.of("$: not valid JSON" + where + ": " + e.getOriginalMessage()));
    }
  }

  /** Reads a graph at {@code path}, adding violations; returns null when any were found here. */
  SceneGraph read(JsonNode node, String path, Violations violations) {
    int before = violations.count();
    if (node == null || !node.isObject()) {
      violations.add(path, "expected an object {\"objects\": [...], \"relationships\": [...]}, found "
          + Violations.describe(node));
      return null;
    }
    violations.rejectUnknownFields(node, path, GRAPH_FIELDS, "objects, relationships");

    List<SceneObject> objects = new ArrayList<>();
    String objectsPath = Violations.field(path, "objects");
    JsonNode objectsNode = node.get("objects");
    int objectCount = -1; // unknown: do not range-check indices
    if (objectsNode == null) {
      violations.add(objectsPath, "missing array; a graph needs at least 1 object");
    } else if (!objectsNode.isArray()) {
      violations.add(objectsPath, "expected an array of objects, found " + Violations.describe(objectsNode));
    } else {
      objectCount = objectsNode.size();
      if (objectCount == 0) {
        violations.add(objectsPath, "empty; a graph needs at least 1 object");
      } else if (objectCount > limits.maxObjects()) {
        violations.add(objectsPath, objectCount + " objects exceed the limit of " + limits.maxObjects());
      }
      for (int i = 0; i < objectsNode.size(); i++) {
        SceneObject object = readObject(objectsNode.get(i), Violations.index(objectsPath, i), violations);
        objects.add(object);
      }
    }

    List<Relationship> relationships = new ArrayList<>();
    String relationshipsPath = Violations.field(path, "relationships");
    JsonNode relationshipsNode = node.get("relationships");
    if (relationshipsNode != null && !relationshipsNode.isNull()) {
      if (!relationshipsNode.isArray()) {
        violations.add(relationshipsPath, "expected an array of [subject, \"predicate\", object], found "
            + Violations.describe(relationshipsNode));
      } else {
        if (relationshipsNode.size() > limits.maxRelationships()) {
          violations.add(relationshipsPath, relationshipsNode.size() + " relationships exceed the limit of "
              + limits.maxRelationships());
        }
        for (int i = 0; i < relationshipsNode.size(); i++) {
          relationships.add(readRelationship(relationshipsNode.get(i), Violations.index(relationshipsPath, i),
              objectCount, violations));
        }
      }
    }
    if (violations.count() > before) {
      return null;
    }
    return SceneGraph.newBuilder().setObjects(objects).setRelationships(relationships).build();
  }

  private SceneObject readObject(JsonNode node, String path, Violations violations) {
    if (node.isTextual()) {
      String label = text(node, path, "label", violations);
      return label == null ? null : SceneObject.newBuilder().setLabel(label).setAttributes(List.of()).build();
    }
    if (!node.isObject()) {
      violations.add(path, "expected a label string or {\"label\": ..., \"attributes\": [...]}, found "
          + Violations.describe(node));
      return null;
    }
    violations.rejectUnknownFields(node, path, OBJECT_FIELDS, "label, attributes");
    JsonNode labelNode = node.get("label");
    String label = null;
    if (labelNode == null) {
      violations.add(Violations.field(path, "label"), "missing string");
    } else if (!labelNode.isTextual()) {
      violations.add(Violations.field(path, "label"), "expected a string, found " + Violations.describe(labelNode));
    } else {
      label = text(labelNode, path, "label", violations);
    }
    List<String> attributes = new ArrayList<>();
    JsonNode attributesNode = node.get("attributes");
    String attributesPath = Violations.field(path, "attributes");
    if (attributesNode != null && !attributesNode.isNull()) {
      if (!attributesNode.isArray()) {
        violations.add(attributesPath, "expected an array of strings, found " + Violations.describe(attributesNode));
      } else {
        if (attributesNode.size() > limits.maxAttributesPerObject()) {
          violations.add(attributesPath, attributesNode.size() + " attributes exceed the limit of "
              + limits.maxAttributesPerObject());
        }
        for (int i = 0; i < attributesNode.size(); i++) {
          JsonNode attribute = attributesNode.get(i);
          String attributePath = Violations.index(attributesPath, i);
          if (!attribute.isTextual()) {
            violations.add(attributePath, "expected a string, found " + Violations.describe(attribute));
          } else {
            attributes.add(text(attribute, attributePath, "attribute", violations));
          }
        }
      }
    }
    return label == null ? null : SceneObject.newBuilder().setLabel(label).setAttributes(attributes).build();
  }

  private Relationship readRelationship(JsonNode node, String path, int objectCount, Violations violations) {
    JsonNode subject;
    JsonNode predicate;
    JsonNode object;
    String subjectPath;
    String predicatePath;
    String objectPath;
    if (node.isArray()) {
      if (node.size() != 3) {
        violations.add(path, "expected [subject, \"predicate\", object], found " + node.size() + " elements");
        return null;
      }
      subject = node.get(0);
      predicate = node.get(1);
      object = node.get(2);
      subjectPath = Violations.index(path, 0);
      predicatePath = Violations.index(path, 1);
      objectPath = Violations.index(path, 2);
    } else if (node.isObject()) {
      violations.rejectUnknownFields(node, path, RELATIONSHIP_FIELDS, "subject, predicate, object");
      subject = node.get("subject");
      predicate = node.get("predicate");
      object = node.get("object");
      subjectPath = Violations.field(path, "subject");
      predicatePath = Violations.field(path, "predicate");
      objectPath = Violations.field(path, "object");
    } else {
      violations.add(path, "expected [subject, \"predicate\", object], found " + Violations.describe(node));
      return null;
    }
    Integer subjectIndex = index(subject, subjectPath, objectCount, violations);
    String predicateText = null;
    if (predicate == null || !predicate.isTextual()) {
      violations.add(predicatePath, "expected a predicate string, found " + Violations.describe(predicate));
    } else {
      predicateText = text(predicate, predicatePath, "predicate", violations);
    }
    Integer objectIndex = index(object, objectPath, objectCount, violations);
    if (subjectIndex == null || predicateText == null || objectIndex == null) {
      return null;
    }
    return Relationship.newBuilder().setSubject(subjectIndex).setPredicate(predicateText).setObject(objectIndex).build();
  }

  private static Integer index(JsonNode node, String path, int objectCount, Violations violations) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      violations.add(path, "expected an integer index into objects, found " + Violations.describe(node));
      return null;
    }
    int index = node.intValue();
    if (objectCount >= 0 && (index < 0 || index >= objectCount)) {
      violations.add(path, "index " + index + " out of range [0, " + objectCount + ")");
      return null;
    }
    if (index < 0) {
      violations.add(path, "index " + index + " is negative");
      return null;
    }
    return index;
  }

  /** A non-blank string within the length limit; {@code what} names it in messages. */
  private String text(JsonNode node, String path, String what, Violations violations) {
    String value = node.asText();
    if (value.isBlank()) {
      violations.add(path, "empty " + what);
      return null;
    }
    if (value.length() > limits.maxLabelLength()) {
      violations.add(path, what + " of " + value.length() + " characters exceeds the limit of "
          + limits.maxLabelLength());
      return null;
    }
    return value;
  }
}
