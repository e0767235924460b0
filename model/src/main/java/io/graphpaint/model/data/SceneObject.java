package io.graphpaint.model.data;

import java.util.List;

/**
 * One object of a scene graph: a class label and optional attribute names.
 *
 * @param label object class name, non-blank
 * @param attributes attribute names (may be empty, never null)
 */
public record SceneObject(String label, List<String> attributes) {

  public SceneObject {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("object label must be a non-blank string, got " + label);
    }
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
    for (String attribute : attributes) {
      if (attribute == null || attribute.isBlank()) {
        throw new IllegalArgumentException(
            "attributes of object '" + label + "' must be non-blank strings, got " + attributes);
      }
    }
  }

  public SceneObject(String label) {
    this(label, List.of());
  }
}
