package io.graphpaint.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphpaint.model.data.DirectoryBlobStore;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleGridTest {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  @TempDir static Path dataset;
  private static List<ManifestEntry> test;

  @BeforeAll
  static void makeDataset() throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(6, 32, 0, 0, 4, 0), dataset);
    test = ModelBenchmark.entriesOf(Manifest.read(dataset.resolve(Manifest.FILE_NAME)), "test", 3);
  }

  /** A 32x32 image of random colours, so a misplaced or resampled pixel shows. */
  private static BufferedImage noise(long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return image;
  }

  private static void writePng(BufferedImage image, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  /** The cell at (x, y) holds {@code image} enlarged {@code scale} times: every pixel an exact block. */
  private static void assertUpscaled(BufferedImage grid, int x, int y, BufferedImage image, int scale, String what) {
    for (int gy = 0; gy < image.getHeight() * scale; gy++) {
      for (int gx = 0; gx < image.getWidth() * scale; gx++) {
        int expected = image.getRGB(gx / scale, gy / scale) & 0xFFFFFF;
        int actual = grid.getRGB(x + gx, y + gy) & 0xFFFFFF;
        if (expected != actual) {
          throw new AssertionError(String.format("%s: pixel (%d, %d) of the cell is %06x, expected %06x", what, gx, gy,
              actual, expected));
        }
      }
    }
  }

  @Test
  void benchmarkGridShowsGroundTruthAndTheFirstSampleAtTheFirstScaleUpscaledPixelForPixel(@TempDir Path out)
      throws Exception {
    ModelBenchmark.Options options = ModelBenchmark.Options.parse("--dataset", dataset.toString(),
        "--model", "full=m1", "--model", "stage-0b=m2", "--caption", "stage-0b", "--guidance", "1.5,1",
        "--grid", "3", "--steps", "20", "--out", out.toString());
    BufferedImage[][] samples = new BufferedImage[2][3];
    for (int m = 0; m < 2; m++) {
      String model = m == 0 ? "full" : "stage-0b";
      for (int g = 0; g < 3; g++) {
        if (m == 1 && g == 2) {
          continue; // a missing sample is drawn as a grey cell
        }
        samples[m][g] = noise(10 * m + g);
        String id = test.get(g).id();
        writePng(samples[m][g], ModelBenchmark.sampleDirectory(out, model, "test", 1.5).resolve(ModelBenchmark.sampleFile(id, 0)));
        // decoys: other samples of the graph, and the second guidance scale
        writePng(noise(999), ModelBenchmark.sampleDirectory(out, model, "test", 1.5).resolve(ModelBenchmark.sampleFile(id, 1)));
        writePng(noise(998), ModelBenchmark.sampleDirectory(out, model, "test", 1.0).resolve(ModelBenchmark.sampleFile(id, 0)));
      }
    }

    SampleGrid.Grid grid = ModelBenchmark.writeGrid(options, test, "test", new DirectoryBlobStore(dataset));

    BufferedImage png = ImageIO.read(out.resolve("grid-test.png").toFile());
    SampleGrid.Layout layout = grid.layout();
    assertThat(layout.cellSize()).isEqualTo(96); // 32 px x 3
    // columns: graph text, ground truth, full, stage-0b; rows: header, then 3 graphs
    assertThat(layout.columnX()).hasSize(4);
    assertThat(layout.rowY()).hasSize(3);
    FontMetrics text = metrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int header = text.getHeight() + 12;
    int expectedHeight = header;
    for (ManifestEntry entry : test) {
      int lines = entry.graph().objects().size() + entry.graph().relationships().size();
      expectedHeight += Math.max(96, lines * text.getHeight()) + 12;
    }
    int widestLine = test.stream().flatMap(e -> SampleGrid.graphLines(e.graph()).stream())
        .mapToInt(text::stringWidth).max().orElseThrow();
    int widestTitle = metrics(new Font(Font.SANS_SERIF, Font.BOLD, 12)).stringWidth("stage-0b (caption)");
    int expectedWidth = Math.max(120, widestLine) + 12 + 2 * (96 + 12) + Math.max(96, widestTitle) + 12;
    assertThat(png.getWidth()).isEqualTo(expectedWidth).isEqualTo(layout.width());
    assertThat(png.getHeight()).isEqualTo(expectedHeight).isEqualTo(layout.height());

    for (int g = 0; g < 3; g++) {
      BufferedImage truth = ImageIO.read(dataset.resolve(test.get(g).image()).toFile());
      assertThat(truth.getWidth()).isEqualTo(32);
      assertUpscaled(png, layout.imageX(1), layout.imageY(g), truth, 3, "ground truth of graph " + g);
      assertUpscaled(png, layout.imageX(2), layout.imageY(g), samples[0][g], 3, "full, graph " + g);
    }
    assertUpscaled(png, layout.imageX(3), layout.imageY(0), samples[1][0], 3, "stage-0b, graph 0");
    assertThat(png.getRGB(layout.imageX(3) + 2, layout.imageY(2) + 2) & 0xFFFFFF).isEqualTo(0xEEEEEE);
    // text was drawn in the graph column of every row
    for (int g = 0; g < 3; g++) {
      assertThat(darkPixels(png, 0, layout.rowY()[g], layout.columnX()[1], 96)).as("text of row " + g).isGreaterThan(20);
    }

    String markdown = Files.readString(out.resolve("grid-test.md"));
    assertThat(markdown).startsWith("![").contains("(grid-test.png)", "`full` (labels prompt)",
        "`stage-0b` (caption prompt)", "guidance w = 1.5", "20 steps", "enlarged 3x");
  }

  @Test
  void graphTextNamesObjectsByIndexAndRelationsByTheirIndices() {
    SceneGraph graph = SceneGraph.of(List.of("red circle", "blue square", "green cross"),
        List.of(new Relationship(0, "left of", 1), new Relationship(2, "above", 0)));
    assertThat(SampleGrid.graphLines(graph))
        .containsExactly("0 red circle", "1 blue square", "2 green cross", "0 left of 1", "2 above 0");
    assertThat(SampleGrid.scaleFor(32, 96)).isEqualTo(3);
    assertThat(SampleGrid.scaleFor(64, 96)).isEqualTo(2);
    assertThat(SampleGrid.scaleFor(128, 96)).isEqualTo(1);
  }

  @Test
  void aColumnWithTooFewImagesIsRefused() {
    SceneGraph graph = SceneGraph.of(List.of("red circle"), List.of());
    assertThatThrownBy(() -> SampleGrid.render(List.of(graph, graph), List.of(new SampleGrid.Column("x", List.of(noise(1)))), 96))
        .hasMessageContaining("column 'x' has 1 images for 2 graphs");
  }

  private static int darkPixels(BufferedImage image, int x0, int y0, int width, int height) {
    int dark = 0;
    for (int y = y0; y < y0 + height; y++) {
      for (int x = x0; x < x0 + width; x++) {
        int rgb = image.getRGB(x, y);
        if (((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF) < 300) {
          dark++;
        }
      }
    }
    return dark;
  }

  private static FontMetrics metrics(Font font) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }
}
