package io.graphpaint.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTensorsTest {

  /** 120 x 60: left third red, middle third green, right third blue. */
  private static BufferedImage stripes() {
    BufferedImage image = new BufferedImage(120, 60, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 40, 60);
    g.setColor(Color.GREEN);
    g.fillRect(40, 0, 40, 60);
    g.setColor(Color.BLUE);
    g.fillRect(80, 0, 40, 60);
    g.dispose();
    return image;
  }

  @Test
  void centreCropKeepsTheMiddleOfTheLongSide() {
    // Scaled to 32 x 16 then cropped to x in [8, 24): 8..10.67 red, 10.67..21.33 green, rest blue.
    BufferedImage out = ImageTensors.resizeCenterCrop(stripes(), 16);
    assertThat(out.getWidth()).isEqualTo(16);
    assertThat(out.getHeight()).isEqualTo(16);
    assertThat(new Color(out.getRGB(0, 8))).isEqualTo(Color.RED);
    assertThat(new Color(out.getRGB(8, 8))).isEqualTo(Color.GREEN);
    assertThat(new Color(out.getRGB(15, 8))).isEqualTo(Color.BLUE);
  }

  @Test
  void packsBatchesChannelsFirstInMinusOneToOne(@TempDir Path dir) throws Exception {
    BufferedImage solid = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = solid.createGraphics();
    g.setColor(new Color(255, 0, 51));
    g.fillRect(0, 0, 10, 10);
    g.dispose();
    DirectoryBlobStore store = new DirectoryBlobStore(dir);
    store.put("a/solid.png", ShapesWorld.png(solid));
    store.put("b/stripes.png", ShapesWorld.png(stripes()));
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray batch = ImageTensors.load(store, List.of("a/solid.png", "b/stripes.png"), 8, manager);
      assertThat(batch.getShape()).isEqualTo(new Shape(2, 3, 8, 8));
      assertThat(batch.getDataType()).isEqualTo(DataType.FLOAT32);
      float[] v = batch.toFloatArray();
      assertThat(v[0]).isCloseTo(1f, within(1e-6f)); // R of the solid image
      assertThat(v[64]).isCloseTo(-1f, within(1e-6f)); // G
      assertThat(v[128]).isCloseTo(51 / 127.5f - 1, within(1e-6f)); // B
      assertThat(batch.min().getFloat()).isGreaterThanOrEqualTo(-1f);
      assertThat(batch.max().getFloat()).isLessThanOrEqualTo(1f);
      NDArray fromDir = ImageTensors.loadDirectory(dir, List.of("a/solid.png"), 8, manager);
      assertThat(fromDir.toFloatArray()).containsExactly(java.util.Arrays.copyOf(v, 192));
    }
  }

  @Test
  void chwRoundTripIsExactForRenderedImages() {
    ShapesScene scene = new ShapesGenerator(ShapesConfig.defaults(1, 32, 1, 0, 0, 0)).scene(ShapesSplit.TRAIN, 0);
    BufferedImage image = ShapesWorld.render(scene);
    BufferedImage back = ImageTensors.fromChw(ImageTensors.toChw(image, 32), 32, 32);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        assertThat(back.getRGB(x, y)).isEqualTo(image.getRGB(x, y));
      }
    }
  }
}
