package io.graphpaint.model.eval;

import io.graphpaint.model.data.Box;
import io.graphpaint.model.data.ShapeColour;
import io.graphpaint.model.data.ShapeKind;
import io.graphpaint.model.data.ShapesWorld;

/**
 * An object the analyzer found.
 *
 * @param colour palette colour of the component
 * @param kind best-matching shape
 * @param box pixel box {@code [x0, y0, x1, y1]} of the fitted shape (sub-pixel)
 * @param area pixels of the component with its holes filled
 * @param confidence agreement of the component with the fitted shape's template (soft IoU, 0-1)
 * @param runnerUpScore the best soft IoU among the other shapes
 */
public record Detection(
    ShapeColour colour, ShapeKind kind, Box box, int area, double confidence, double runnerUpScore) {

  public String label() {
    return ShapesWorld.label(colour, kind);
  }
}
