package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Model images (C, H, W) in [-1, 1] to 8-bit RGB and PNG, quantized as diffusers does:
 * {@code round(clamp(x / 2 + 0.5, 0, 1) * 255)}.
 */
public final class ImageEncoding {

  private ImageEncoding() {}

  /** One value in [-1, 1] to a byte value 0..255. */
  public static int toUint8(float value) {
    float unit = value / 2f + 0.5f;
    if (!(unit > 0f)) {
      unit = 0f; // also maps NaN to 0
    } else if (unit > 1f) {
      unit = 1f;
    }
    return (int) Math.rint(unit * 255f); // numpy rounds half to even
  }

  /**
   * Planar (3, H, W) floats to interleaved RGB bytes (H, W, 3).
   *
   * @param chw 3 * H * W values, channel-major
   */
  public static byte[] toRgbBytes(float[] chw, int height, int width) {
    int plane = height * width;
    if (chw.length != 3 * plane) {
      throw new IllegalArgumentException(
          "expected 3 x " + height + " x " + width + " = " + 3 * plane + " values, got "
              + chw.length);
    }
    byte[] rgb = new byte[3 * plane];
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        rgb[3 * p + c] = (byte) toUint8(chw[c * plane + p]);
      }
    }
    return rgb;
  }

  /** Planar (3, H, W) floats in [-1, 1] to PNG bytes. */
  public static byte[] toPng(float[] chw, int height, int width) {
    byte[] rgb = toRgbBytes(chw, height, width);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = 3 * (y * width + x);
        int value = ((rgb[p] & 0xff) << 16) | ((rgb[p + 1] & 0xff) << 8) | (rgb[p + 2] & 0xff);
        image.setRGB(x, y, value);
      }
    }
    return png(image);
  }

  /**
   * PNG bytes of {@code image}, cached in memory: ImageIO's default for an output stream is a
   * temporary file whose clean-up registers a JVM shutdown hook, which fails once the JVM is
   * stopping, so a worker finishing its batch after SIGTERM could not encode it.
   */
  public static byte[] png(java.awt.image.RenderedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (javax.imageio.stream.MemoryCacheImageOutputStream stream = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
      if (!ImageIO.write(image, "png", stream)) {
        throw new IllegalStateException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A batch (B, 3, H, W) in [-1, 1] to one PNG per image. */
  public static List<byte[]> toPngs(NDArray images) {
    Shape shape = images.getShape();
    if (shape.dimension() != 4 || shape.get(1) != 3) {
      throw new IllegalArgumentException("images must be (B, 3, H, W), got " + shape);
    }
    int batch = Math.toIntExact(shape.get(0));
    int height = Math.toIntExact(shape.get(2));
    int width = Math.toIntExact(shape.get(3));
    float[] all = images.toFloatArray();
    int size = 3 * height * width;
    List<byte[]> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      float[] one = new float[size];
      System.arraycopy(all, i * size, one, 0, size);
      out.add(toPng(one, height, width));
    }
    return out;
  }
}
