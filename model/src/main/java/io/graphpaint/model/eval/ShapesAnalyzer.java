package io.graphpaint.model.eval;

import io.graphpaint.model.data.Box;
import io.graphpaint.model.data.ShapeColour;
import io.graphpaint.model.data.ShapeKind;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the labelled objects of the shapes world in an image, rendered or generated.
 *
 * <ol>
 *   <li>Every pixel goes to the nearest palette colour or the background in CIELAB, or to
 *       "uncertain" when it is far from all of them or not clearly nearer one than the runner-up
 *       (blurred edges between two colours, noise).
 *   <li>Connected components (8-neighbourhood) per colour; specks below a minimum area are
 *       dropped.
 *   <li>Holes are filled, so an object with a smaller one drawn inside it keeps its outline.
 *   <li>A soft mask says how much of each pixel around the component is its colour (the weight of
 *       the nearest two-colour blend, so antialiased and blurred edges count partly).
 *   <li>Each shape is fitted to the soft mask: its box follows from the mask's centroid and
 *       variance (less the variance a blur of 0, 0.5, 0.8 or 1.2 px would add), its template is
 *       drawn into that box with antialiasing and the same blur, and compared with the mask by
 *       soft intersection over union. The best (shape, blur) wins; its IoU is the confidence and
 *       its box, free of the blur's spread, is the detection's box.
 * </ol>
 */
public final class ShapesAnalyzer {

  /**
   * @param maxColourDistance CIELAB distance beyond which a pixel matches no palette colour
   * @param ambiguityRatio a pixel is uncertain unless its nearest distance is at most this
   *     fraction of the second nearest
   * @param minAreaFraction smallest component, as a fraction of the image area
   * @param minConfidence smallest template IoU for a component to count as an object
   */
  public record Options(
      double maxColourDistance, double ambiguityRatio, double minAreaFraction, double minConfidence) {

    public Options {
      if (!(maxColourDistance > 0)) {
        throw new IllegalArgumentException("maxColourDistance must be > 0, got " + maxColourDistance);
      }
      if (!(ambiguityRatio > 0 && ambiguityRatio <= 1)) {
        throw new IllegalArgumentException("ambiguityRatio must be within (0, 1], got " + ambiguityRatio);
      }
      if (!(minAreaFraction >= 0 && minAreaFraction < 1)) {
        throw new IllegalArgumentException("minAreaFraction must be within [0, 1), got " + minAreaFraction);
      }
      if (!(minConfidence >= 0 && minConfidence <= 1)) {
        throw new IllegalArgumentException("minConfidence must be within [0, 1], got " + minConfidence);
      }
    }

    public static Options defaults() {
      return new Options(45, 0.6, 0.007, 0.45);
    }
  }

  private static final int BITS = 6;
  private static final int LEVELS = 1 << BITS;
  private static final byte BACKGROUND = 0;
  private static final byte UNCERTAIN = -1;
  private static final ShapeColour[] COLOURS = ShapeColour.values();

  private final Options options;
  /** Quantised RGB (6 bits a channel) to class: 0 background, 1..6 colour ordinal + 1, -1 uncertain. */
  private final byte[] lookup;

  public ShapesAnalyzer() {
    this(Options.defaults());
  }

  public ShapesAnalyzer(Options options) {
    this.options = options;
    this.lookup = buildLookup(options);
  }

  private static byte[] buildLookup(Options options) {
    double[][] palette = new double[COLOURS.length + 1][];
    palette[0] = lab(ShapeColour.BACKGROUND.getRed(), ShapeColour.BACKGROUND.getGreen(),
        ShapeColour.BACKGROUND.getBlue());
    for (ShapeColour c : COLOURS) {
      palette[c.ordinal() + 1] = lab(c.rgb().getRed(), c.rgb().getGreen(), c.rgb().getBlue());
    }
    byte[] table = new byte[LEVELS * LEVELS * LEVELS];
    int step = 256 / LEVELS;
    for (int r = 0; r < LEVELS; r++) {
      for (int g = 0; g < LEVELS; g++) {
        for (int b = 0; b < LEVELS; b++) {
          double[] p = lab(r * step + step / 2, g * step + step / 2, b * step + step / 2);
          int best = -1;
          double d1 = Double.MAX_VALUE;
          double d2 = Double.MAX_VALUE;
          for (int k = 0; k < palette.length; k++) {
            double d = distance(p, palette[k]);
            if (d < d1) {
              d2 = d1;
              d1 = d;
              best = k;
            } else if (d < d2) {
              d2 = d;
            }
          }
          boolean certain = d1 <= options.maxColourDistance() && d1 <= options.ambiguityRatio() * d2;
          table[(r * LEVELS + g) * LEVELS + b] = certain ? (byte) best : UNCERTAIN;
        }
      }
    }
    return table;
  }

  private static double[] lab(int r, int g, int b) {
    return ShapeColour.toLab(r, g, b);
  }

  private static double distance(double[] a, double[] b) {
    double dl = a[0] - b[0];
    double da = a[1] - b[1];
    double db = a[2] - b[2];
    return Math.sqrt(dl * dl + da * da + db * db);
  }

  /** Pixel classes, row-major: 0 background, 1..6 colour ordinal + 1, -1 uncertain. */
  public byte[] classify(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    return classify(image.getRGB(0, 0, w, h, null, 0, w));
  }

  private byte[] classify(int[] rgb) {
    byte[] classes = new byte[rgb.length];
    int shift = 8 - BITS;
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      int r = (p >> 16 & 0xFF) >> shift;
      int g = (p >> 8 & 0xFF) >> shift;
      int b = (p & 0xFF) >> shift;
      classes[i] = lookup[(r * LEVELS + g) * LEVELS + b];
    }
    return classes;
  }

  /** The objects in {@code image}, most confident first. */
  public List<Detection> analyze(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] classes = classify(rgb);
    int minArea = Math.max(4, (int) Math.round(options.minAreaFraction() * w * h));
    int[] componentOf = new int[w * h];
    Image img = new Image(w, h, rgb, classes, componentOf);
    int[] queue = new int[w * h];
    int nextComponent = 0;
    List<Detection> detections = new ArrayList<>();
    for (int start = 0; start < classes.length; start++) {
      byte cls = classes[start];
      if (cls == BACKGROUND || cls == UNCERTAIN || componentOf[start] != 0) {
        continue;
      }
      int id = ++nextComponent;
      int head = 0;
      int tail = 0;
      queue[tail++] = start;
      componentOf[start] = id;
      int x0 = w;
      int y0 = h;
      int x1 = -1;
      int y1 = -1;
      while (head < tail) {
        int p = queue[head++];
        int px = p % w;
        int py = p / w;
        x0 = Math.min(x0, px);
        x1 = Math.max(x1, px);
        y0 = Math.min(y0, py);
        y1 = Math.max(y1, py);
        for (int dy = -1; dy <= 1; dy++) {
          int ny = py + dy;
          if (ny < 0 || ny >= h) {
            continue;
          }
          for (int dx = -1; dx <= 1; dx++) {
            int nx = px + dx;
            if (nx < 0 || nx >= w || (dx == 0 && dy == 0)) {
              continue;
            }
            int q = ny * w + nx;
            if (componentOf[q] == 0 && classes[q] == cls) {
              componentOf[q] = id;
              queue[tail++] = q;
            }
          }
        }
      }
      if (tail < minArea) {
        continue;
      }
      Detection detection = describe(img, id, x0, y0, x1 + 1, y1 + 1, cls);
      if (detection != null && detection.confidence() >= options.minConfidence()) {
        detections.add(detection);
      }
    }
    detections.sort(Comparator.comparingDouble(Detection::confidence).reversed());
    return detections;
  }

  /**
   * Variances and centroid heights of the shapes in a unit box, in {@link ShapeKind} order
   * (circle, square, triangle, cross), by integration: e.g. the triangle's width grows linearly
   * with y, so its y density is 2y, mean 2/3, variance 1/18.
   */
  private static final double[] VAR_X = {1.0 / 16, 1.0 / 12, 1.0 / 24, 29.0 / 540};
  private static final double[] VAR_Y = {1.0 / 16, 1.0 / 12, 1.0 / 18, 29.0 / 540};
  private static final double[] CENTROID_Y = {0.5, 0.5, 2.0 / 3, 0.5};

  /** Blur levels (Gaussian sigma, pixels) the shape templates are compared at. */
  private static final double[] BLURS = {0, 0.5, 0.8, 1.2};
  /** Padding around a component's box for the soft mask: room for blurred edges. */
  private static final int PAD = 3;
  /** Variance of the one-pixel box filter that antialiasing amounts to. */
  private static final double PIXEL_VARIANCE = 1.0 / 12;

  /**
   * Fits every shape to the component's soft mask: the box comes from the mask's moments
   * (centroid and variance, less the blur's variance), the template is drawn into that box with
   * antialiasing, blurred, and compared with the mask by soft IoU. The best (shape, blur) wins.
   */
  private Detection describe(Image img, int id, int x0, int y0, int x1, int y1, int cls) {
    int bw = x1 - x0;
    int bh = y1 - y0;
    boolean[] filled = fillHoles(img.componentOf, id, img.width, x0, y0, bw, bh);
    int area = 0;
    for (boolean f : filled) {
      if (f) {
        area++;
      }
    }
    int wx0 = Math.max(0, x0 - PAD);
    int wy0 = Math.max(0, y0 - PAD);
    int wx1 = Math.min(img.width, x1 + PAD);
    int wy1 = Math.min(img.height, y1 + PAD);
    int ww = wx1 - wx0;
    int wh = wy1 - wy0;
    double[] alpha = softMask(img, id, cls, filled, x0, y0, bw, bh, wx0, wy0, ww, wh);
    double m0 = 0;
    double mx = 0;
    double my = 0;
    for (int y = 0; y < wh; y++) {
      for (int x = 0; x < ww; x++) {
        double a = alpha[y * ww + x];
        m0 += a;
        mx += a * (x + 0.5);
        my += a * (y + 0.5);
      }
    }
    if (m0 <= 0) {
      return null;
    }
    double cx = mx / m0;
    double cy = my / m0;
    double vx = 0;
    double vy = 0;
    for (int y = 0; y < wh; y++) {
      for (int x = 0; x < ww; x++) {
        double a = alpha[y * ww + x];
        vx += a * (x + 0.5 - cx) * (x + 0.5 - cx);
        vy += a * (y + 0.5 - cy) * (y + 0.5 - cy);
      }
    }
    vx /= m0;
    vy /= m0;
    double best = -1;
    Box bestBox = null;
    ShapeKind bestKind = null;
    double[] bestPerKind = new double[ShapeKind.values().length];
    java.util.Arrays.fill(bestPerKind, -1);
    for (ShapeKind kind : ShapeKind.values()) {
      for (double blur : BLURS) {
        double extra = PIXEL_VARIANCE + blur * blur;
        double w = Math.sqrt(Math.max(vx - extra, 0.25) / VAR_X[kind.ordinal()]);
        double h = Math.sqrt(Math.max(vy - extra, 0.25) / VAR_Y[kind.ordinal()]);
        double bx0 = cx - w / 2;
        double by0 = cy - CENTROID_Y[kind.ordinal()] * h;
        double[] template = ShapeTemplates.coverage(kind, bx0, by0, w, h, ww, wh);
        ShapeTemplates.gaussianBlur(template, ww, wh, blur);
        double score = softIou(alpha, template);
        if (score > bestPerKind[kind.ordinal()]) {
          bestPerKind[kind.ordinal()] = score;
        }
        if (score > best) {
          best = score;
          bestKind = kind;
          bestBox = new Box(wx0 + bx0, wy0 + by0, wx0 + bx0 + w, wy0 + by0 + h);
        }
      }
    }
    double runnerUp = 0;
    for (ShapeKind kind : ShapeKind.values()) {
      if (kind != bestKind) {
        runnerUp = Math.max(runnerUp, bestPerKind[kind.ordinal()]);
      }
    }
    return new Detection(COLOURS[cls - 1], bestKind, bestBox, area, best, runnerUp);
  }

  /**
   * How much of each window pixel is the component's colour: for the component's pixels and the
   * uncertain pixels touching it, the weight {@code a} of the two-colour blend {@code a * colour +
   * (1 - a) * other} (other = background or another palette colour) nearest to the pixel in sRGB,
   * where antialiasing and blur mix; 1 for filled holes; 0 elsewhere.
   */
  private double[] softMask(Image img, int id, int cls, boolean[] filled, int x0, int y0, int bw, int bh,
      int wx0, int wy0, int ww, int wh) {
    double[] alpha = new double[ww * wh];
    for (int y = 0; y < wh; y++) {
      int iy = wy0 + y;
      for (int x = 0; x < ww; x++) {
        int ix = wx0 + x;
        int p = iy * img.width + ix;
        int fx = ix - x0;
        int fy = iy - y0;
        boolean inFilled = fx >= 0 && fy >= 0 && fx < bw && fy < bh && filled[fy * bw + fx];
        if (inFilled && img.componentOf[p] != id) {
          alpha[y * ww + x] = 1; // a hole: something drawn over this object
          continue;
        }
        boolean take = img.componentOf[p] == id
            || (img.classes[p] == UNCERTAIN && touches(img, id, ix, iy, 2));
        if (take) {
          alpha[y * ww + x] = blendWeight(img.rgb[p], cls);
        }
      }
    }
    return alpha;
  }

  /** Palette in sRGB: row 0 background, row k colour k - 1. */
  private static final double[][] PALETTE_RGB = paletteRgb();

  private static double[][] paletteRgb() {
    double[][] rgb = new double[COLOURS.length + 1][];
    java.awt.Color bg = ShapeColour.BACKGROUND;
    rgb[0] = new double[] {bg.getRed(), bg.getGreen(), bg.getBlue()};
    for (ShapeColour c : COLOURS) {
      rgb[c.ordinal() + 1] = new double[] {c.rgb().getRed(), c.rgb().getGreen(), c.rgb().getBlue()};
    }
    return rgb;
  }

  private static double blendWeight(int rgb, int cls) {
    double pr = rgb >> 16 & 0xFF;
    double pg = rgb >> 8 & 0xFF;
    double pb = rgb & 0xFF;
    double[] c = PALETTE_RGB[cls];
    double bestError = Double.MAX_VALUE;
    double bestWeight = 0;
    for (int k = 0; k < PALETTE_RGB.length; k++) {
      if (k == cls) {
        continue;
      }
      double[] o = PALETTE_RGB[k];
      double dr = c[0] - o[0];
      double dg = c[1] - o[1];
      double db = c[2] - o[2];
      double a = ((pr - o[0]) * dr + (pg - o[1]) * dg + (pb - o[2]) * db) / (dr * dr + dg * dg + db * db);
      a = Math.max(0, Math.min(1, a));
      double er = pr - (o[0] + a * dr);
      double eg = pg - (o[1] + a * dg);
      double eb = pb - (o[2] + a * db);
      double error = er * er + eg * eg + eb * eb;
      if (error < bestError) {
        bestError = error;
        bestWeight = a;
      }
    }
    return bestWeight;
  }

  private static boolean touches(Image img, int id, int x, int y, int radius) {
    for (int dy = -radius; dy <= radius; dy++) {
      int ny = y + dy;
      if (ny < 0 || ny >= img.height) {
        continue;
      }
      for (int dx = -radius; dx <= radius; dx++) {
        int nx = x + dx;
        if (nx >= 0 && nx < img.width && img.componentOf[ny * img.width + nx] == id) {
          return true;
        }
      }
    }
    return false;
  }

  private static double softIou(double[] a, double[] b) {
    double intersection = 0;
    double union = 0;
    for (int i = 0; i < a.length; i++) {
      intersection += Math.min(a[i], b[i]);
      union += Math.max(a[i], b[i]);
    }
    return union == 0 ? 0 : intersection / union;
  }

  /** One image's pixels, classes and component ids. */
  private record Image(int width, int height, int[] rgb, byte[] classes, int[] componentOf) {}

  /** The component inside its box, with every pixel not reachable from the box's border added. */
  private static boolean[] fillHoles(int[] componentOf, int id, int imageWidth, int x0, int y0, int bw, int bh) {
    boolean[] inside = new boolean[bw * bh];
    for (int y = 0; y < bh; y++) {
      for (int x = 0; x < bw; x++) {
        inside[y * bw + x] = componentOf[(y0 + y) * imageWidth + x0 + x] == id;
      }
    }
    boolean[] outside = new boolean[bw * bh];
    int[] queue = new int[bw * bh];
    int tail = 0;
    for (int y = 0; y < bh; y++) {
      for (int x = 0; x < bw; x++) {
        boolean border = x == 0 || y == 0 || x == bw - 1 || y == bh - 1;
        int p = y * bw + x;
        if (border && !inside[p] && !outside[p]) {
          outside[p] = true;
          queue[tail++] = p;
        }
      }
    }
    int head = 0;
    // 4-neighbourhood for the outside, the dual of the component's 8-neighbourhood.
    while (head < tail) {
      int p = queue[head++];
      int px = p % bw;
      int py = p / bw;
      int[] neighbours = {px > 0 ? p - 1 : -1, px < bw - 1 ? p + 1 : -1, py > 0 ? p - bw : -1, py < bh - 1 ? p + bw : -1};
      for (int q : neighbours) {
        if (q >= 0 && !inside[q] && !outside[q]) {
          outside[q] = true;
          queue[tail++] = q;
        }
      }
    }
    boolean[] filled = new boolean[bw * bh];
    for (int i = 0; i < filled.length; i++) {
      filled[i] = !outside[i];
    }
    return filled;
  }
}
