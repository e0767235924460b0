package io.graphpaint.model.diffusion;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Analytic multiply-add count of one {@link ConditionalUNet} forward pass, for throughput
 * figures: convolutions, linear layers and the two attention matmuls, each multiply-add counted
 * as 2 FLOPs. Normalization, activations and other elementwise work are left out (they are
 * memory-bound and small next to the convolutions).
 */
public final class UNetFlops {

  private UNetFlops() {}

  /**
   * FLOPs of one forward pass for one image.
   *
   * @param config the UNet
   * @param height input height
   * @param width input width
   * @param conditionLength L, the condition sequence length
   */
  public static double perImage(UNetConfig config, int height, int width, int conditionLength) {
    List<Integer> widths = config.channels();
    int temb = config.timeEmbedDim();
    double flops = 0;
    flops += linear(widths.get(0), temb, 1) + linear(temb, temb, 1);
    flops += conv(config.inChannels(), widths.get(0), 3, height, width);
    Deque<Integer> skips = new ArrayDeque<>();
    skips.push(widths.get(0));
    int channels = widths.get(0);
    int h = height;
    int w = width;
    for (int level = 0; level < config.levels(); level++) {
      int out = widths.get(level);
      for (int j = 0; j < config.layersPerLevel(); j++) {
        flops += residual(channels, out, temb, h, w);
        channels = out;
        if (config.hasAttention(level)) {
          flops += attention(channels, config.conditionDim(), h * w, conditionLength);
        }
        skips.push(channels);
      }
      if (level < config.levels() - 1) {
        h /= 2;
        w /= 2;
        flops += conv(channels, channels, 3, h, w);
        skips.push(channels);
      }
    }
    flops += 2 * residual(channels, channels, temb, h, w);
    flops += attention(channels, config.conditionDim(), h * w, conditionLength);
    for (int level = config.levels() - 1; level >= 0; level--) {
      int out = widths.get(level);
      for (int j = 0; j < config.layersPerLevel() + 1; j++) {
        flops += residual(channels + skips.pop(), out, temb, h, w);
        channels = out;
        if (config.hasAttention(level)) {
          flops += attention(channels, config.conditionDim(), h * w, conditionLength);
        }
      }
      if (level > 0) {
        h *= 2;
        w *= 2;
        flops += conv(channels, channels, 3, h, w);
      }
    }
    flops += conv(channels, config.outChannels(), 3, h, w);
    return flops;
  }

  private static double conv(int in, int out, int kernel, int h, int w) {
    return 2.0 * in * out * kernel * kernel * h * w;
  }

  private static double linear(int in, int out, int rows) {
    return 2.0 * in * out * rows;
  }

  private static double residual(int in, int out, int temb, int h, int w) {
    double f = conv(in, out, 3, h, w) + conv(out, out, 3, h, w) + linear(temb, out, 1);
    if (in != out) {
      f += conv(in, out, 1, h, w);
    }
    return f;
  }

  /** Self-attention over n positions plus cross-attention to l condition tokens, width c. */
  private static double attention(int c, int conditionDim, int n, int l) {
    double self = 3 * linear(c, c, n) + 2.0 * n * n * c * 2 + linear(c, c, n);
    double cross =
        linear(c, c, n) + 2 * linear(conditionDim, c, l) + 2.0 * n * l * c * 2 + linear(c, c, n);
    return self + cross;
  }
}
