package io.graphpaint.model.data;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/** The shapes of the synthetic world, each drawn to fill its (w x h) box the same way everywhere. */
public enum ShapeKind {
  CIRCLE(1 / Math.sqrt(2)),
  SQUARE(1.0),
  /** Apex at the top centre, base along the bottom. */
  TRIANGLE(0.5),
  /** A plus sign with arms one third of the box wide. */
  CROSS(1.0 / 3);

  /**
   * Side of the largest centred square (for the triangle: standing on the base) that lies inside
   * the shape, as a fraction of the box side: where a nested object may go.
   */
  private final double innerSquareFraction;

  ShapeKind(double innerSquareFraction) {
    this.innerSquareFraction = innerSquareFraction;
  }

  public String displayName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The outline filling the box {@code [x, x + w] x [y, y + h]}. */
  public Shape outline(double x, double y, double w, double h) {
    return switch (this) {
      case CIRCLE -> new Ellipse2D.Double(x, y, w, h);
      case SQUARE -> new Rectangle2D.Double(x, y, w, h);
      case TRIANGLE -> {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x + w / 2, y);
        p.lineTo(x + w, y + h);
        p.lineTo(x, y + h);
        p.closePath();
        yield p;
      }
      case CROSS -> {
        Path2D.Double p = new Path2D.Double();
        double a = w / 3;
        double b = h / 3;
        p.moveTo(x + a, y);
        p.lineTo(x + 2 * a, y);
        p.lineTo(x + 2 * a, y + b);
        p.lineTo(x + w, y + b);
        p.lineTo(x + w, y + 2 * b);
        p.lineTo(x + 2 * a, y + 2 * b);
        p.lineTo(x + 2 * a, y + h);
        p.lineTo(x + a, y + h);
        p.lineTo(x + a, y + 2 * b);
        p.lineTo(x, y + 2 * b);
        p.lineTo(x, y + b);
        p.lineTo(x + a, y + b);
        p.closePath();
        yield p;
      }
    };
  }

  /**
   * The square region {@code [x0, y0, x1, y1]} inside a shape of box (x, y, size) where a nested
   * object may be placed.
   */
  public double[] innerSquare(double x, double y, double size) {
    double side = size * innerSquareFraction;
    double x0 = x + (size - side) / 2;
    double y0 = this == TRIANGLE ? y + size - side : y + (size - side) / 2;
    return new double[] {x0, y0, x0 + side, y0 + side};
  }

  public static ShapeKind parse(String name) {
    for (ShapeKind kind : values()) {
      if (kind.displayName().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown shape '" + name + "', known: circle, square, triangle, cross");
  }
}
