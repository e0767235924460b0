package io.graphpaint.model.eval;

import io.graphpaint.model.data.ShapeKind;

/**
 * Antialiased coverage of the world's shapes in a pixel window, by 4 x 4 supersampling with
 * closed-form inside tests (the same outlines as {@link ShapeKind#outline}), and a separable
 * Gaussian blur for comparing with blurred images.
 */
final class ShapeTemplates {

  private static final int SUPERSAMPLE = 4;

  private ShapeTemplates() {}

  /** Coverage (0-1) of each pixel of a {@code width x height} window by the shape in box (x0, y0, w, h). */
  static double[] coverage(ShapeKind kind, double x0, double y0, double w, double h, int width, int height) {
    double[] out = new double[width * height];
    double step = 1.0 / SUPERSAMPLE;
    double weight = 1.0 / (SUPERSAMPLE * SUPERSAMPLE);
    int px0 = Math.max(0, (int) Math.floor(x0));
    int py0 = Math.max(0, (int) Math.floor(y0));
    int px1 = Math.min(width, (int) Math.ceil(x0 + w));
    int py1 = Math.min(height, (int) Math.ceil(y0 + h));
    for (int py = py0; py < py1; py++) {
      for (int px = px0; px < px1; px++) {
        int hits = 0;
        for (int sy = 0; sy < SUPERSAMPLE; sy++) {
          double v = (py + (sy + 0.5) * step - y0) / h;
          for (int sx = 0; sx < SUPERSAMPLE; sx++) {
            double u = (px + (sx + 0.5) * step - x0) / w;
            if (inside(kind, u, v)) {
              hits++;
            }
          }
        }
        out[py * width + px] = hits * weight;
      }
    }
    return out;
  }

  /** Whether the unit-box point (u, v) lies in the shape. */
  static boolean inside(ShapeKind kind, double u, double v) {
    if (u < 0 || u > 1 || v < 0 || v > 1) {
      return false;
    }
    return switch (kind) {
      case SQUARE -> true;
      case CIRCLE -> (u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5) <= 0.25;
      case TRIANGLE -> Math.abs(u - 0.5) <= v / 2;
      case CROSS -> (u >= 1.0 / 3 && u <= 2.0 / 3) || (v >= 1.0 / 3 && v <= 2.0 / 3);
    };
  }

  /** In-place separable Gaussian blur with standard deviation {@code sigma} (no-op at 0). */
  static void gaussianBlur(double[] image, int width, int height, double sigma) {
    if (sigma <= 0) {
      return;
    }
    int radius = (int) Math.ceil(3 * sigma);
    double[] kernel = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      kernel[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
      sum += kernel[i + radius];
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= sum;
    }
    double[] tmp = new double[image.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double acc = 0;
        for (int k = -radius; k <= radius; k++) {
          int xx = x + k;
          if (xx >= 0 && xx < width) {
            acc += kernel[k + radius] * image[y * width + xx];
          }
        }
        tmp[y * width + x] = acc;
      }
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double acc = 0;
        for (int k = -radius; k <= radius; k++) {
          int yy = y + k;
          if (yy >= 0 && yy < height) {
            acc += kernel[k + radius] * tmp[yy * width + x];
          }
        }
        image[y * width + x] = acc;
      }
    }
  }
}
