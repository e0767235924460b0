package io.graphpaint.model.eval;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Degradations that stand in for a generator's imperfections when testing the analyzer: blur
 * (soft edges), per-pixel Gaussian noise, and a colour cast (every pixel shifted by one random
 * offset per channel). All are seeded.
 */
public final class ImagePerturbations {

  private ImagePerturbations() {}

  /** Separable Gaussian blur with standard deviation {@code sigma} pixels, edges clamped. */
  public static BufferedImage blur(BufferedImage image, double sigma) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    double[][] channels = new double[3][w * h];
    for (int i = 0; i < rgb.length; i++) {
      channels[0][i] = rgb[i] >> 16 & 0xFF;
      channels[1][i] = rgb[i] >> 8 & 0xFF;
      channels[2][i] = rgb[i] & 0xFF;
    }
    int radius = (int) Math.ceil(3 * sigma);
    double[] kernel = new double[2 * radius + 1];
    double sum = 0;
    for (int k = -radius; k <= radius; k++) {
      kernel[k + radius] = Math.exp(-0.5 * k * k / (sigma * sigma));
      sum += kernel[k + radius];
    }
    for (int k = 0; k < kernel.length; k++) {
      kernel[k] /= sum;
    }
    for (double[] c : channels) {
      double[] tmp = new double[c.length];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double acc = 0;
          for (int k = -radius; k <= radius; k++) {
            acc += kernel[k + radius] * c[y * w + Math.min(w - 1, Math.max(0, x + k))];
          }
          tmp[y * w + x] = acc;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double acc = 0;
          for (int k = -radius; k <= radius; k++) {
            acc += kernel[k + radius] * tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
          }
          c[y * w + x] = acc;
        }
      }
    }
    return compose(channels, w, h, 0, null, new double[3]);
  }

  /** Adds independent Gaussian noise of standard deviation {@code sigma} (0-255 scale) to every channel. */
  public static BufferedImage noise(BufferedImage image, double sigma, Random random) {
    return shift(image, sigma, random, new double[3]);
  }

  /** Shifts every pixel's channels by one offset drawn uniformly from [-amount, amount] per channel. */
  public static BufferedImage colourCast(BufferedImage image, double amount, Random random) {
    double[] offset = new double[3];
    for (int c = 0; c < 3; c++) {
      offset[c] = (2 * random.nextDouble() - 1) * amount;
    }
    return shift(image, 0, random, offset);
  }

  private static BufferedImage shift(BufferedImage image, double sigma, Random random, double[] offset) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    double[][] channels = new double[3][w * h];
    for (int i = 0; i < rgb.length; i++) {
      channels[0][i] = rgb[i] >> 16 & 0xFF;
      channels[1][i] = rgb[i] >> 8 & 0xFF;
      channels[2][i] = rgb[i] & 0xFF;
    }
    return compose(channels, w, h, sigma, random, offset);
  }

  private static BufferedImage compose(double[][] channels, int w, int h, double sigma, Random random, double[] offset) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] rgb = new int[w * h];
    for (int i = 0; i < rgb.length; i++) {
      int p = 0;
      for (int c = 0; c < 3; c++) {
        double v = channels[c][i] + offset[c] + (sigma > 0 ? random.nextGaussian() * sigma : 0);
        p = p << 8 | (int) Math.max(0, Math.min(255, Math.round(v)));
      }
      rgb[i] = p;
    }
    out.setRGB(0, 0, w, h, rgb, 0, w);
    return out;
  }
}
