package io.graphpaint.model.eval;

import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A picture of samples for the docs: one row per scene graph, a header row naming the columns.
 * The first column states the graph as text (its objects numbered, then its relations as
 * {@code subject predicate object} indices); each further column shows one image per graph,
 * upscaled by an integer factor with nearest neighbour (so a 32 px image becomes 96 px of exact
 * 3x3 blocks). Drawn with Java2D alone, headless.
 */
public final class SampleGrid {

  static {
    // only images are drawn, never windows; must be set before AWT starts
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Images are scaled up to at least this many pixels per side. */
  public static final int DEFAULT_CELL = 96;

  private static final int PADDING = 6;
  private static final int MIN_TEXT_WIDTH = 120;
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font HEADER_FONT = FONT.deriveFont(Font.BOLD);
  private static final Color GRID_LINE = new Color(0xCCCCCC);
  private static final Color MISSING = new Color(0xEEEEEE);

  /**
   * One image column.
   *
   * @param title header text
   * @param images one image per graph, in row order; null where an image is missing (drawn grey)
   */
  public record Column(String title, List<BufferedImage> images) {
    public Column {
      if (title == null || images == null) {
        throw new IllegalArgumentException("a column needs a title and its images");
      }
      images = java.util.Collections.unmodifiableList(new ArrayList<>(images));
    }
  }

  /**
   * Where everything is: x of each column's left edge (column 0 is the graph text), y of each
   * row's top edge (row 0 is the first graph, below the header), the image cell size and the
   * picture size. Image {@code (row, column >= 1)} is drawn with its top-left corner at
   * {@code (columnX[column] + PADDING, rowY[row] + PADDING)}.
   */
  public record Layout(int[] columnX, int[] rowY, int cellSize, int width, int height) {

    public int imageX(int column) {
      if (column < 1 || column >= columnX.length) {
        throw new IllegalArgumentException("image columns are 1.." + (columnX.length - 1) + ", got " + column);
      }
      return columnX[column] + PADDING;
    }

    public int imageY(int row) {
      return rowY[row] + PADDING;
    }
  }

  /** The picture and its layout. */
  public record Grid(BufferedImage image, Layout layout) {
    public void writePng(Path file) throws IOException {
      if (!ImageIO.write(image, "png", file.toFile())) {
        throw new IOException("no PNG writer for " + file);
      }
    }
  }

  private SampleGrid() {}

  /** The graph as text lines: {@code "0 red circle"} per object, then {@code "0 left of 1"} per relation. */
  public static List<String> graphLines(SceneGraph graph) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < graph.objects().size(); i++) {
      lines.add(i + " " + graph.objects().get(i).label());
    }
    for (Relationship r : graph.relationships()) {
      lines.add(r.subject() + " " + r.predicate() + " " + r.object());
    }
    return lines;
  }

  /** The integer nearest-neighbour factor that makes an image of side {@code size} at least {@code cell} wide. */
  public static int scaleFor(int size, int cell) {
    return Math.max(1, (cell + size - 1) / size);
  }

  /**
   * Draws the grid.
   *
   * @param graphs one per row
   * @param columns image columns after the graph text, each with one image per graph
   * @param cell minimum side of an upscaled image, e.g. {@link #DEFAULT_CELL}
   */
  public static Grid render(List<SceneGraph> graphs, List<Column> columns, int cell) {
    if (graphs.isEmpty()) {
      throw new IllegalArgumentException("a grid needs at least one graph");
    }
    if (cell < 1 || cell > 1024) {
      throw new IllegalArgumentException("cell must be within [1, 1024] pixels, got " + cell);
    }
    for (Column column : columns) {
      if (column.images().size() != graphs.size()) {
        throw new IllegalArgumentException("column '" + column.title() + "' has " + column.images().size()
            + " images for " + graphs.size() + " graphs");
      }
    }
    int cellSize = cell;
    for (Column column : columns) {
      for (BufferedImage image : column.images()) {
        if (image != null) {
          int side = Math.max(image.getWidth(), image.getHeight());
          cellSize = Math.max(cellSize, side * scaleFor(side, cell));
        }
      }
    }
    FontMetrics metrics = metrics();
    List<List<String>> texts = graphs.stream().map(SampleGrid::graphLines).toList();
    int lineHeight = metrics.getHeight();
    int textWidth = MIN_TEXT_WIDTH;
    for (List<String> lines : texts) {
      for (String line : lines) {
        textWidth = Math.max(textWidth, metrics.stringWidth(line));
      }
    }
    int[] columnX = new int[columns.size() + 2];
    columnX[1] = textWidth + 2 * PADDING;
    for (int c = 0; c < columns.size(); c++) {
      int titleWidth = headerMetrics().stringWidth(columns.get(c).title());
      columnX[c + 2] = columnX[c + 1] + Math.max(cellSize, titleWidth) + 2 * PADDING;
    }
    int headerHeight = lineHeight + 2 * PADDING;
    int[] rowY = new int[graphs.size() + 1];
    rowY[0] = headerHeight;
    for (int r = 0; r < graphs.size(); r++) {
      rowY[r + 1] = rowY[r] + Math.max(cellSize, texts.get(r).size() * lineHeight) + 2 * PADDING;
    }
    int width = columnX[columns.size() + 1];
    int height = rowY[graphs.size()];
    Layout layout = new Layout(
        java.util.Arrays.copyOf(columnX, columns.size() + 1), java.util.Arrays.copyOf(rowY, graphs.size()),
        cellSize, width, height);

    BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = picture.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.BLACK);
      g.setFont(HEADER_FONT);
      int baseline = PADDING + g.getFontMetrics().getAscent();
      g.drawString("graph", PADDING, baseline);
      for (int c = 0; c < columns.size(); c++) {
        g.drawString(columns.get(c).title(), columnX[c + 1] + PADDING, baseline);
      }
      g.setFont(FONT);
      for (int r = 0; r < graphs.size(); r++) {
        int y = rowY[r] + PADDING + g.getFontMetrics().getAscent();
        for (String line : texts.get(r)) {
          g.drawString(line, PADDING, y);
          y += lineHeight;
        }
        for (int c = 0; c < columns.size(); c++) {
          BufferedImage image = columns.get(c).images().get(r);
          int x = layout.imageX(c + 1);
          int top = layout.imageY(r);
          if (image == null) {
            g.setColor(MISSING);
            g.fillRect(x, top, cellSize, cellSize);
            g.setColor(Color.BLACK);
            g.drawString("missing", x + PADDING, top + cellSize / 2);
          } else {
            int side = Math.max(image.getWidth(), image.getHeight());
            upscale(image, scaleFor(side, cell), picture, x, top);
          }
        }
      }
      g.setColor(GRID_LINE);
      for (int x : columnX) {
        g.drawLine(x, 0, x, height);
      }
      g.drawLine(width - 1, 0, width - 1, height);
      for (int y = 0; y <= graphs.size(); y++) {
        int line = y == graphs.size() ? height - 1 : rowY[y];
        g.drawLine(0, line, width, line);
      }
    } finally {
      g.dispose();
    }
    return new Grid(picture, layout);
  }

  /** Copies {@code image} into {@code target} at (x, y), each pixel as a {@code scale x scale} block. */
  private static void upscale(BufferedImage image, int scale, BufferedImage target, int x, int y) {
    for (int sy = 0; sy < image.getHeight(); sy++) {
      for (int sx = 0; sx < image.getWidth(); sx++) {
        int rgb = image.getRGB(sx, sy);
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            target.setRGB(x + sx * scale + dx, y + sy * scale + dy, rgb);
          }
        }
      }
    }
  }

  private static FontMetrics metrics() {
    return metricsOf(FONT);
  }

  private static FontMetrics headerMetrics() {
    return metricsOf(HEADER_FONT);
  }

  private static FontMetrics metricsOf(Font font) {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    try {
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }
}
