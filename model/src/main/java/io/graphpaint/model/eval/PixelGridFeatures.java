package io.graphpaint.model.eval;

import java.awt.image.BufferedImage;

/**
 * A model-free feature space: mean colour of each cell of a {@code grid x grid} partition, in
 * [0, 1] (3 * grid^2 values). Crude, but available before a CLIP encoder is trained, and enough
 * to tell collapsed or off-palette samples from real ones.
 */
public final class PixelGridFeatures implements ImageFeatures {

  private final int grid;

  public PixelGridFeatures(int grid) {
    if (grid < 1 || grid > 64) {
      throw new IllegalArgumentException("grid must be within [1, 64], got " + grid);
    }
    this.grid = grid;
  }

  @Override
  public String name() {
    return "pixels-" + grid + "x" + grid;
  }

  @Override
  public float[] features(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    double[] sums = new double[3 * grid * grid];
    int[] counts = new int[grid * grid];
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int y = 0; y < h; y++) {
      int gy = y * grid / h;
      for (int x = 0; x < w; x++) {
        int cell = gy * grid + x * grid / w;
        int p = rgb[y * w + x];
        sums[3 * cell] += (p >> 16 & 0xFF) / 255.0;
        sums[3 * cell + 1] += (p >> 8 & 0xFF) / 255.0;
        sums[3 * cell + 2] += (p & 0xFF) / 255.0;
        counts[cell]++;
      }
    }
    float[] out = new float[sums.length];
    for (int cell = 0; cell < counts.length; cell++) {
      for (int c = 0; c < 3; c++) {
        out[3 * cell + c] = counts[cell] == 0 ? 0 : (float) (sums[3 * cell + c] / counts[cell]);
      }
    }
    return out;
  }
}
