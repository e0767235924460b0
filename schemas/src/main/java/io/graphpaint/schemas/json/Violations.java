package io.graphpaint.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Collects every rule a document breaks, as {@code path: rule}. */
final class Violations {
  private final List<String> found = new ArrayList<>();

  void add(String path, String rule) {
    found.add((path.isEmpty() ? "$" : path) + ": " + rule);
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  int count() {
    return found.size();
  }

  void throwIfAny() {
    if (!found.isEmpty()) {
      throw new JsonValidationException(found);
    }
  }

  static String field(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** Reports fields of {@code object} outside {@code allowed}. */
  void rejectUnknownFields(JsonNode object, String path, Set<String> allowed, String allowedText) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        add(field(path, name), "unknown field; allowed: " + allowedText);
      }
    }
  }

  /** A short description of what was found, for "expected X, found Y". */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case STRING -> "string " + abbreviate(node.toString());
      case NUMBER -> "number " + node;
      case BOOLEAN -> "boolean " + node;
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> node.getNodeType().toString().toLowerCase();
    };
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...\"";
  }
}
