package io.graphpaint.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sg2im JSON form of scene graphs: {@code {"objects": ["sky", ...], "relationships": [[0,
 * "above", 1], ...]}}. An object may also be written {@code {"label": "sky", "attributes":
 * ["blue"]}}. A file may hold one graph or a list of graphs (as sg2im's examples do).
 */
public final class SceneGraphJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SceneGraphJson() {}

  /** Reads one graph or a list of graphs. */
  public static List<SceneGraph> readAll(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("scene graph file is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new IllegalArgumentException("scene graph file is empty");
    }
    List<SceneGraph> graphs = new ArrayList<>();
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        graphs.add(parse(root.get(i), "graph " + i));
      }
    } else {
      graphs.add(parse(root, "graph"));
    }
    return graphs;
  }

  public static SceneGraph read(String json) {
    List<SceneGraph> graphs = readAll(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (graphs.size() != 1) {
      throw new IllegalArgumentException("expected one scene graph, got " + graphs.size());
    }
    return graphs.get(0);
  }

  public static SceneGraph parse(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + ": must be an object with 'objects' and 'relationships'");
    }
    JsonNode objectsNode = node.get("objects");
    if (objectsNode == null || !objectsNode.isArray()) {
      throw new IllegalArgumentException(where + ": 'objects' must be a list of labels");
    }
    List<SceneObject> objects = new ArrayList<>();
    for (int i = 0; i < objectsNode.size(); i++) {
      JsonNode o = objectsNode.get(i);
      if (o.isTextual()) {
        objects.add(new SceneObject(o.asText()));
      } else if (o.isObject() && (o.hasNonNull("label") || o.hasNonNull("name"))) {
        String label = (o.hasNonNull("label") ? o.get("label") : o.get("name")).asText();
        List<String> attributes = new ArrayList<>();
        JsonNode attrs = o.get("attributes");
        if (attrs != null && attrs.isArray()) {
          attrs.forEach(a -> attributes.add(a.asText()));
        }
        objects.add(new SceneObject(label, attributes));
      } else {
        throw new IllegalArgumentException(where + ": objects[" + i + "] must be a label string or "
            + "{\"label\": ..., \"attributes\": [...]}, got " + o);
      }
    }
    List<Relationship> relationships = new ArrayList<>();
    JsonNode relsNode = node.get("relationships");
    if (relsNode != null && !relsNode.isNull()) {
      if (!relsNode.isArray()) {
        throw new IllegalArgumentException(where + ": 'relationships' must be a list of [subject, predicate, object]");
      }
      for (int i = 0; i < relsNode.size(); i++) {
        JsonNode r = relsNode.get(i);
        if (!r.isArray() || r.size() != 3 || !r.get(0).canConvertToInt() || !r.get(1).isTextual()
            || !r.get(2).canConvertToInt()) {
          throw new IllegalArgumentException(where + ": relationships[" + i
              + "] must be [subject index, \"predicate\", object index], got " + r);
        }
        relationships.add(new Relationship(r.get(0).asInt(), r.get(1).asText(), r.get(2).asInt()));
      }
    }
    try {
      return new SceneGraph(objects, relationships);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  public static ObjectNode toNode(SceneGraph graph) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode objects = root.putArray("objects");
    for (SceneObject o : graph.objects()) {
      if (o.attributes().isEmpty()) {
        objects.add(o.label());
      } else {
        ObjectNode on = objects.addObject();
        on.put("label", o.label());
        ArrayNode attrs = on.putArray("attributes");
        o.attributes().forEach(attrs::add);
      }
    }
    ArrayNode rels = root.putArray("relationships");
    for (Relationship r : graph.relationships()) {
      rels.addArray().add(r.subject()).add(r.predicate()).add(r.object());
    }
    return root;
  }

  public static String write(SceneGraph graph) {
    return toNode(graph).toString();
  }
}
