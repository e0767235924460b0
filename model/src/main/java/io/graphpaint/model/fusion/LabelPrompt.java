package io.graphpaint.model.fusion;

import io.graphpaint.model.data.SceneGraph;

/**
 * The object-label prompt whose CLIP text tokens start {@code S_cond}: the graph's object labels
 * in graph order, joined by commas ({@code "red circle, blue square"}). Relations are left to the
 * graph tokens; the text only says what is there.
 */
public final class LabelPrompt {

  private LabelPrompt() {}

  public static String of(SceneGraph graph) {
    return String.join(", ", graph.labels());
  }
}
