package io.graphpaint.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONL dataset manifest: one JSON object per line with {@code id}, {@code split}, {@code
 * graph} (sg2im form), {@code caption}, {@code image} (key relative to the dataset root), {@code
 * boxes} ({@code [[x0, y0, x1, y1], ...]} normalised), {@code width}, {@code height}.
 */
public final class Manifest {

  public static final String FILE_NAME = "manifest.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Manifest() {}

  public static String toLine(ManifestEntry e) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", e.id());
    node.put("split", e.split());
    node.set("graph", SceneGraphJson.toNode(e.graph()));
    node.put("caption", e.caption());
    node.put("image", e.image());
    ArrayNode boxes = node.putArray("boxes");
    for (Box b : e.boxes()) {
      boxes.addArray().add(b.x0()).add(b.y0()).add(b.x1()).add(b.y1());
    }
    node.put("width", e.width());
    node.put("height", e.height());
    return node.toString();
  }

  public static List<ManifestEntry> parse(byte[] jsonl) {
    String text = new String(jsonl, StandardCharsets.UTF_8);
    List<ManifestEntry> entries = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        entries.add(parseLine(JSON.readTree(line)));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("manifest line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return entries;
  }

  private static ManifestEntry parseLine(JsonNode node) {
    String id = text(node, "id");
    SceneGraph graph = SceneGraphJson.parse(node.get("graph"), "sample " + id + " graph");
    List<Box> boxes = new ArrayList<>();
    JsonNode boxesNode = node.get("boxes");
    if (boxesNode != null && boxesNode.isArray()) {
      for (JsonNode b : boxesNode) {
        if (!b.isArray() || b.size() != 4) {
          throw new IllegalArgumentException("sample " + id + ": boxes must be [x0, y0, x1, y1], got " + b);
        }
        boxes.add(new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()));
      }
    }
    return new ManifestEntry(id, text(node, "split"), graph,
        node.hasNonNull("caption") ? node.get("caption").asText() : ShapesScene.caption(graph),
        text(node, "image"), boxes, node.path("width").asInt(0), node.path("height").asInt(0));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    return value.asText();
  }

  public static List<ManifestEntry> read(Path file) throws IOException {
    return parse(Files.readAllBytes(file));
  }

  public static List<ManifestEntry> read(BlobSource source, String key) throws IOException {
    return parse(source.get(key));
  }

  public static byte[] write(List<ManifestEntry> entries) {
    StringBuilder sb = new StringBuilder();
    for (ManifestEntry e : entries) {
      sb.append(toLine(e)).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
