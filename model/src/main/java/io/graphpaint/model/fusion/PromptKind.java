package io.graphpaint.model.fusion;

import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.ShapesScene;

/**
 * Which text of a scene graph the CLIP text tower reads to start {@code S_cond}.
 *
 * <ul>
 *   <li>{@link #LABELS}: the object labels ({@link LabelPrompt}), the prompt of stage 2 and of
 *       every graph-conditioned model.
 *   <li>{@link #CAPTION}: the graph flattened to a sentence ({@link ShapesScene#caption}), the text
 *       CLIP (stage 0a) and the text-to-image UNet (stage 0b) are trained on; prompting a model
 *       exported from stage 0b with it gives the caption-conditioned baseline.
 * </ul>
 */
public enum PromptKind {
  LABELS,
  CAPTION;

  /** The prompt text of {@code graph}. */
  public String text(SceneGraph graph) {
    return switch (this) {
      case LABELS -> LabelPrompt.of(graph);
      case CAPTION -> ShapesScene.caption(graph);
    };
  }
}
