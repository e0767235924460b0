package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * CLIP's image preprocessing: resize the shorter side to {@code size}, center-crop to {@code size x
 * size}, scale to [0, 1], normalise by CLIP's mean and std, lay out as (B, 3, size, size).
 * Resizing is bilinear (transformers uses PIL bicubic, so resized inputs differ slightly; inputs
 * already at {@code size} match exactly).
 */
public record ClipImageProcessor(int size, float[] mean, float[] std) {

  /** OpenAI CLIP's normalisation constants. */
  public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  public ClipImageProcessor {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be > 0, got " + size);
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 channels, got " + mean.length + ", " + std.length);
    }
  }

  public static ClipImageProcessor forConfig(ClipVisionConfig vision) {
    return new ClipImageProcessor(vision.imageSize(), CLIP_MEAN, CLIP_STD);
  }

  /** @param imagesNhwc (B, H, W, 3) uint8 or float in [0, 255] -> (B, 3, size, size) float32 */
  public NDArray preprocess(NDArray imagesNhwc) {
    Shape shape = imagesNhwc.getShape();
    if (shape.dimension() != 4 || shape.get(3) != 3) {
      throw new IllegalArgumentException("images must be (B, H, W, 3), got " + shape);
    }
    return preprocessUnitNchw(imagesNhwc.toType(DataType.FLOAT32, false).div(255f).transpose(0, 3, 1, 2));
  }

  /**
   * Images as the diffusion model produces them, (B, 3, H, W) in [-1, 1] -> (B, 3, size, size)
   * CLIP-normalised; differentiable, so CLIP losses can reach the images.
   */
  public NDArray preprocessSigned(NDArray imagesNchw) {
    return preprocessUnitNchw(imagesNchw.add(1f).div(2f));
  }

  /** (B, 3, H, W) in [0, 1] -> resized, center-cropped, normalised (B, 3, size, size). */
  public NDArray preprocessUnitNchw(NDArray imagesNchw) {
    Shape shape = imagesNchw.getShape();
    if (shape.dimension() != 4 || shape.get(1) != 3) {
      throw new IllegalArgumentException("images must be (B, 3, H, W), got " + shape);
    }
    NDManager manager = imagesNchw.getManager();
    NDArray x = imagesNchw;
    long h = shape.get(2);
    long w = shape.get(3);
    if (Math.min(h, w) != size) {
      double scale = (double) size / Math.min(h, w);
      long newH = Math.max(size, Math.round(h * scale));
      long newW = Math.max(size, Math.round(w * scale));
      x = x.getNDArrayInternal().interpolation(new long[] {newH, newW}, 1, false);
      h = newH;
      w = newW;
    }
    long top = (h - size) / 2;
    long left = (w - size) / 2;
    x = x.get(new NDIndex(":, :, {}:{}, {}:{}", top, top + size, left, left + size));
    NDArray m = manager.create(mean, new Shape(1, 3, 1, 1));
    NDArray s = manager.create(std, new Shape(1, 3, 1, 1));
    return x.sub(m).div(s);
  }

  /** RGB images -> (B, 3, size, size) float32 under {@code manager}. */
  public NDArray preprocess(NDManager manager, List<BufferedImage> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("images must not be empty");
    }
    int h = images.get(0).getHeight();
    int w = images.get(0).getWidth();
    byte[] bytes = new byte[images.size() * h * w * 3];
    int k = 0;
    for (BufferedImage image : images) {
      if (image.getHeight() != h || image.getWidth() != w) {
        throw new IllegalArgumentException("images of one batch must share a size; got "
            + image.getWidth() + "x" + image.getHeight() + " and " + w + "x" + h);
      }
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int rgb = image.getRGB(xx, y);
          bytes[k++] = (byte) ((rgb >> 16) & 0xff);
          bytes[k++] = (byte) ((rgb >> 8) & 0xff);
          bytes[k++] = (byte) (rgb & 0xff);
        }
      }
    }
    NDArray u8 = manager.create(java.nio.ByteBuffer.wrap(bytes), new Shape(images.size(), h, w, 3), DataType.UINT8);
    return preprocess(u8);
  }
}
