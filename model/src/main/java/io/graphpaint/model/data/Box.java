package io.graphpaint.model.data;

/**
 * An axis-aligned box {@code [x0, y0, x1, y1]} with y pointing down, as sg2im stores boxes
 * (normalised to [0, 1] by the image size in datasets; pixels inside the analyzer).
 */
public record Box(double x0, double y0, double x1, double y1) {

  public Box {
    if (!(Double.isFinite(x0) && Double.isFinite(y0) && Double.isFinite(x1) && Double.isFinite(y1))) {
      throw new IllegalArgumentException("box coordinates must be finite, got " + x0 + ", " + y0 + ", " + x1 + ", " + y1);
    }
    if (x1 < x0 || y1 < y0) {
      throw new IllegalArgumentException(
          "box must have x1 >= x0 and y1 >= y0, got [" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + "]");
    }
  }

  /** From COCO / Visual Genome {@code [x, y, w, h]}. */
  public static Box fromXywh(double x, double y, double w, double h) {
    return new Box(x, y, x + w, y + h);
  }

  public double width() {
    return x1 - x0;
  }

  public double height() {
    return y1 - y0;
  }

  public double area() {
    return width() * height();
  }

  public double centerX() {
    return 0.5 * (x0 + x1);
  }

  public double centerY() {
    return 0.5 * (y0 + y1);
  }

  public Box scale(double sx, double sy) {
    return new Box(x0 * sx, y0 * sy, x1 * sx, y1 * sy);
  }

  public double[] toArray() {
    return new double[] {x0, y0, x1, y1};
  }
}
