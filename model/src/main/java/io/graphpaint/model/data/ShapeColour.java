package io.graphpaint.model.data;

import java.awt.Color;
import java.util.Locale;

/**
 * The colours of the synthetic world, chosen far apart in CIELAB (pairwise at least 49 units)
 * and such that no blend of two of them (an antialiased or blurred edge) comes nearer to a third
 * colour than to both of its ends, so that an analyzer can tell them apart in blurred images.
 */
public enum ShapeColour {
  RED(220, 40, 40),
  GREEN(40, 160, 60),
  BLUE(40, 80, 220),
  YELLOW(240, 205, 30),
  MAGENTA(210, 60, 200),
  BLACK(45, 45, 45);

  /** The fixed canvas colour. */
  public static final Color BACKGROUND = new Color(235, 235, 235);

  private final Color rgb;

  ShapeColour(int r, int g, int b) {
    this.rgb = new Color(r, g, b);
  }

  public Color rgb() {
    return rgb;
  }

  public String displayName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ShapeColour parse(String name) {
    for (ShapeColour colour : values()) {
      if (colour.displayName().equals(name)) {
        return colour;
      }
    }
    throw new IllegalArgumentException("unknown colour '" + name + "'");
  }

  /** sRGB (0-255) to CIELAB (D65), the perceptual space the analyzer measures distances in. */
  public static double[] toLab(int r, int g, int b) {
    double rl = linear(r / 255.0);
    double gl = linear(g / 255.0);
    double bl = linear(b / 255.0);
    double x = (0.4124 * rl + 0.3576 * gl + 0.1805 * bl) / 0.95047;
    double y = 0.2126 * rl + 0.7152 * gl + 0.0722 * bl;
    double z = (0.0193 * rl + 0.1192 * gl + 0.9505 * bl) / 1.08883;
    double fx = f(x);
    double fy = f(y);
    double fz = f(z);
    return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
  }

  private static double linear(double c) {
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }

  private static double f(double t) {
    return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
  }
}
