package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed two-dimensional sine-cosine position embedding of a grid of tokens, as ViT-MAE's and DiT's
 * {@code get_2d_sincos_pos_embed}: for a token at column x and row y of an H x W grid and width D
 * (a multiple of 4), the first D/2 channels embed x and the last D/2 embed y, each as {@code
 * [sin(p w_0), ..., sin(p w_{D/4-1}), cos(p w_0), ..., cos(p w_{D/4-1})]} with {@code w_k =
 * 10000^(-k / (D/4))}. Tokens are in row-major order (index y W + x), the order of a (B, C, H, W)
 * map reshaped to (B, H W, C). It has no parameters: attention over the pixels of a feature map is
 * otherwise blind to where each pixel is, and so to which of two objects is left of the other.
 */
public final class GridPositionEmbedding {

  private final int dim;
  private final Map<Long, float[]> tables = new ConcurrentHashMap<>();

  /**
   * @param dim D, the token width; a positive multiple of 4
   */
  public GridPositionEmbedding(int dim) {
    if (dim < 4 || dim % 4 != 0) {
      throw new IllegalArgumentException("the width of a 2D position embedding must be a positive multiple of 4, got "
          + dim);
    }
    this.dim = dim;
  }

  public int dim() {
    return dim;
  }

  /** The embedding of an H x W grid, (H W) rows of D values in row-major token order. */
  public float[] table(int height, int width) {
    return cached(height, width).clone();
  }

  /**
   * The embedding of an H x W grid as a (1, H W, D) array on {@code manager}, to add to tokens of
   * shape (B, H W, D).
   */
  public NDArray embed(NDManager manager, int height, int width) {
    return manager.create(cached(height, width), new Shape(1, (long) height * width, dim));
  }

  private float[] cached(int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("grid must be at least 1 x 1, got " + height + " x " + width);
    }
    return tables.computeIfAbsent(((long) height << 32) | width, key -> compute(height, width));
  }

  private float[] compute(int height, int width) {
    int quarter = dim / 4;
    double[] omega = new double[quarter];
    for (int k = 0; k < quarter; k++) {
      omega[k] = 1.0 / Math.pow(10000.0, (double) k / quarter);
    }
    float[] out = new float[height * width * dim];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int base = (y * width + x) * dim;
        for (int k = 0; k < quarter; k++) {
          out[base + k] = (float) Math.sin(x * omega[k]);
          out[base + quarter + k] = (float) Math.cos(x * omega[k]);
          out[base + 2 * quarter + k] = (float) Math.sin(y * omega[k]);
          out[base + 3 * quarter + k] = (float) Math.cos(y * omega[k]);
        }
      }
    }
    return out;
  }
}
