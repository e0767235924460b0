package io.graphpaint.model.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One scene of the shapes world: what is drawn where, and the relationships its graph states. */
public record ShapesScene(int canvasSize, List<ShapeInstance> objects, List<Relationship> relationships) {

  public ShapesScene {
    objects = List.copyOf(objects);
    relationships = List.copyOf(relationships);
    for (Relationship r : relationships) {
      if (r.subject() >= objects.size() || r.object() >= objects.size()) {
        throw new IllegalArgumentException("relationship " + r + " refers past the " + objects.size() + " objects");
      }
    }
  }

  public SceneGraph graph() {
    return SceneGraph.of(objects.stream().map(ShapeInstance::label).toList(), relationships);
  }

  /** Boxes normalised to [0, 1] by the canvas size, in object order. */
  public List<Box> normalizedBoxes() {
    List<Box> boxes = new ArrayList<>();
    for (ShapeInstance o : objects) {
      boxes.add(o.box().scale(1.0 / canvasSize, 1.0 / canvasSize));
    }
    return boxes;
  }

  /** "a red circle left of a blue square, a green cross above a red circle". */
  public String caption() {
    return caption(graph());
  }

  public static String caption(SceneGraph graph) {
    Set<String> parts = new LinkedHashSet<>();
    boolean[] mentioned = new boolean[graph.objects().size()];
    for (Relationship r : graph.relationships()) {
      parts.add("a " + graph.objects().get(r.subject()).label() + " " + r.predicate() + " a "
          + graph.objects().get(r.object()).label());
      mentioned[r.subject()] = true;
      mentioned[r.object()] = true;
    }
    for (int i = 0; i < mentioned.length; i++) {
      if (!mentioned[i]) {
        parts.add("a " + graph.objects().get(i).label());
      }
    }
    return String.join(", ", parts);
  }
}
