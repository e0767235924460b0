package io.graphpaint.model.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Images to model input: scaled so the shorter side is the model resolution (bicubic, in steps
 * of at most 2x when shrinking so detail is averaged rather than skipped), centre-cropped to a
 * square, and packed as float32 {@code (B, 3, H, W)} in [-1, 1] (the diffusion model's range).
 */
public final class ImageTensors {

  private ImageTensors() {}

  /** Scales the shorter side to {@code size} and crops the centre {@code size x size}. */
  public static BufferedImage resizeCenterCrop(BufferedImage image, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + size);
    }
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage current = toRgb(image);
    double scale = (double) size / Math.min(w, h);
    // Halve while more than 2x too large: one bicubic step would alias.
    while (Math.min(current.getWidth(), current.getHeight()) >= 2 * size * 2) {
      current = scaled(current, Math.max(1, current.getWidth() / 2), Math.max(1, current.getHeight() / 2));
    }
    int tw = Math.max(size, (int) Math.round(w * scale));
    int th = Math.max(size, (int) Math.round(h * scale));
    if (current.getWidth() != tw || current.getHeight() != th) {
      current = scaled(current, tw, th);
    }
    int x0 = (tw - size) / 2;
    int y0 = (th - size) / 2;
    return current.getSubimage(x0, y0, size, size);
  }

  private static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }

  private static BufferedImage scaled(BufferedImage image, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** CHW floats in [-1, 1] of a {@code size x size} crop. */
  public static float[] toChw(BufferedImage image, int size) {
    BufferedImage square = resizeCenterCrop(image, size);
    int[] rgb = square.getRGB(0, 0, size, size, null, 0, size);
    int plane = size * size;
    float[] out = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      int p = rgb[i];
      out[i] = (p >> 16 & 0xFF) / 127.5f - 1f;
      out[plane + i] = (p >> 8 & 0xFF) / 127.5f - 1f;
      out[2 * plane + i] = (p & 0xFF) / 127.5f - 1f;
    }
    return out;
  }

  /** {@code (B, 3, size, size)} float32 in [-1, 1] on {@code manager}. */
  public static NDArray toTensor(List<BufferedImage> images, int size, NDManager manager) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to pack");
    }
    int per = 3 * size * size;
    float[] data = new float[images.size() * per];
    for (int b = 0; b < images.size(); b++) {
      System.arraycopy(toChw(images.get(b), size), 0, data, b * per, per);
    }
    return manager.create(data, new Shape(images.size(), 3, size, size));
  }

  /** Reads images by key from a store and packs them. */
  public static NDArray load(BlobSource source, List<String> keys, int size, NDManager manager) throws IOException {
    List<BufferedImage> images = new ArrayList<>(keys.size());
    for (String key : keys) {
      images.add(decode(source.get(key), key));
    }
    return toTensor(images, size, manager);
  }

  /** Reads image files (relative to {@code dir}) and packs them. */
  public static NDArray loadDirectory(Path dir, List<String> names, int size, NDManager manager) throws IOException {
    List<BufferedImage> images = new ArrayList<>(names.size());
    for (String name : names) {
      images.add(decode(Files.readAllBytes(dir.resolve(name)), name));
    }
    return toTensor(images, size, manager);
  }

  public static BufferedImage decode(byte[] bytes, String name) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    if (image == null) {
      throw new IOException("'" + name + "' is not an image format ImageIO can read (PNG, JPEG, BMP, GIF)");
    }
    return image;
  }

  /** Inverse of {@link #toChw}: (3, H, W) floats in [-1, 1] to an RGB image (values clipped). */
  public static BufferedImage fromChw(float[] chw, int height, int width) {
    int plane = height * width;
    if (chw.length != 3 * plane) {
      throw new IllegalArgumentException("expected 3 x " + height + " x " + width + " = " + 3 * plane + " values, got " + chw.length);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      int r = toByte(chw[i]);
      int g = toByte(chw[plane + i]);
      int b = toByte(chw[2 * plane + i]);
      rgb[i] = r << 16 | g << 8 | b;
    }
    image.setRGB(0, 0, width, height, rgb, 0, width);
    return image;
  }

  private static int toByte(float v) {
    return Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
  }
}
