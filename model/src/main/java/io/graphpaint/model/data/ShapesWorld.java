package io.graphpaint.model.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The labels, vocabulary and renderer of the synthetic shapes world. */
public final class ShapesWorld {

  private static final List<String> LABELS;

  static {
    List<String> labels = new ArrayList<>();
    for (ShapeColour colour : ShapeColour.values()) {
      for (ShapeKind kind : ShapeKind.values()) {
        labels.add(label(colour, kind));
      }
    }
    LABELS = List.copyOf(labels);
  }

  private ShapesWorld() {}

  /** "red circle": colour then shape. */
  public static String label(ShapeColour colour, ShapeKind kind) {
    return colour.displayName() + " " + kind.displayName();
  }

  /** All labels, colour-major ("red circle", "red square", ...). */
  public static List<String> labels() {
    return LABELS;
  }

  public static ShapeColour colourOf(String label) {
    return ShapeColour.parse(split(label)[0]);
  }

  public static ShapeKind kindOf(String label) {
    return ShapeKind.parse(split(label)[1]);
  }

  private static String[] split(String label) {
    String[] parts = label.split(" ");
    if (parts.length != 2) {
      throw new IllegalArgumentException("shapes label must be '<colour> <shape>', got '" + label + "'");
    }
    return parts;
  }

  /** Object ids 1..24 in {@link #labels()} order, sg2im's COCO predicates. */
  public static Vocabulary vocabulary() {
    return Vocabulary.of(LABELS, BoxRelations.PREDICATES, List.of());
  }

  /**
   * Draws the scene with Java2D antialiasing on the fixed background: containers first, nested
   * objects over them. The same scene always gives the same pixels.
   */
  public static BufferedImage render(ShapesScene scene) {
    int n = scene.canvasSize();
    BufferedImage image = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(ShapeColour.BACKGROUND);
      g.fillRect(0, 0, n, n);
      List<ShapeInstance> order = new ArrayList<>(scene.objects());
      order.sort(Comparator.comparingInt(o -> o.container() < 0 ? 0 : 1));
      for (ShapeInstance o : order) {
        g.setColor(o.colour().rgb());
        g.fill(o.kind().outline(o.x(), o.y(), o.size(), o.size()));
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  public static byte[] png(BufferedImage image) {
    return io.graphpaint.model.diffusion.ImageEncoding.png(image);
  }
}
