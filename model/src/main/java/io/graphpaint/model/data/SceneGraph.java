package io.graphpaint.model.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A scene graph as users write it: objects and relationships between them. The {@code __image__}
 * node and the {@code __in_image__} edges are not part of it; {@link Vocabulary#encode} adds them.
 */
public record SceneGraph(List<SceneObject> objects, List<Relationship> relationships) {

  public SceneGraph {
    if (objects == null) {
      throw new IllegalArgumentException("scene graph objects must not be null");
    }
    objects = List.copyOf(objects);
    relationships = relationships == null ? List.of() : List.copyOf(relationships);
    for (int i = 0; i < relationships.size(); i++) {
      Relationship r = relationships.get(i);
      if (r.subject() >= objects.size() || r.object() >= objects.size()) {
        throw new IllegalArgumentException(
            "relationship " + i + " " + describe(r) + " refers to object index "
                + Math.max(r.subject(), r.object()) + " but the graph has " + objects.size()
                + " objects (allowed indices 0.." + (objects.size() - 1) + ")");
      }
      if (r.subject() == r.object()) {
        throw new IllegalArgumentException(
            "relationship " + i + " " + describe(r) + " relates object " + r.subject()
                + " to itself; subject and object must differ");
      }
      if (Vocabulary.IN_IMAGE.equals(r.predicate())) {
        throw new IllegalArgumentException(
            "relationship " + i + " uses the reserved predicate " + Vocabulary.IN_IMAGE
                + "; it is added automatically");
      }
    }
    for (int i = 0; i < objects.size(); i++) {
      if (Vocabulary.IMAGE.equals(objects.get(i).label())) {
        throw new IllegalArgumentException(
            "object " + i + " uses the reserved label " + Vocabulary.IMAGE
                + "; it is added automatically");
      }
    }
  }

  /** A graph of plain labels (no attributes). */
  public static SceneGraph of(List<String> labels, List<Relationship> relationships) {
    List<SceneObject> objects = new ArrayList<>(labels.size());
    for (String label : labels) {
      objects.add(new SceneObject(label));
    }
    return new SceneGraph(objects, relationships);
  }

  /**
   * This graph with every relationship's subject and object swapped: the same objects in other
   * relations ("a left of b" becomes "b left of a").
   */
  public SceneGraph withRelationshipsReversed() {
    return new SceneGraph(objects,
        relationships.stream().map(r -> new Relationship(r.object(), r.predicate(), r.subject())).toList());
  }

  public List<String> labels() {
    return objects.stream().map(SceneObject::label).toList();
  }

  private static String describe(Relationship r) {
    return "[" + r.subject() + ", \"" + r.predicate() + "\", " + r.object() + "]";
  }
}
