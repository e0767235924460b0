package io.graphpaint.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.clip.ClipImageProcessor;
import io.graphpaint.model.clip.ClipModel;
import io.graphpaint.model.clip.ClipTokenizer;
import io.graphpaint.model.clip.TokenizedText;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.fusion.PromptKind;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a CLIP sees relations, measured on ground-truth images and their graphs' captions. Stage
 * 1 aligns the graph encoder's global vector to CLIP's image embedding, so what that embedding
 * cannot tell apart the aligned graph encoder is taught to drop; these numbers say how much of
 * the layout the alignment target keeps, before any sampling.
 *
 * <ul>
 *   <li>{@code clip_reversed_caption_preference}: of the images whose caption changes when every
 *       relationship is reversed, the share whose embedding is closer to their own caption than to
 *       the reversed one (0.5: CLIP cannot tell them apart; 1: it always can).
 *   <li>{@code clip_text_shift_reversed}: how far reversing the relations moves the caption's text
 *       embedding, over how far another graph's caption does (sums of squared distances between
 *       normalised embeddings; 0: the text tower reads a bag of words).
 *   <li>{@code clip_image_shift_mirrored}: how far mirroring the image left to right moves its
 *       embedding, over how far another scene does (0: the image tower ignores left and right).
 * </ul>
 */
public final class ClipRelations {

  /** Images and texts per forward pass. */
  private static final int BATCH = 64;

  private ClipRelations() {}

  /**
   * @param graphs ground-truth graphs, at least two
   * @param truth their rendered images, in the same order
   * @return the three measures named in the class comment
   */
  public static Map<String, Double> measure(ClipModel clip, ClipTokenizer tokenizer, List<SceneGraph> graphs,
      List<BufferedImage> truth, NDManager parent) {
    io.graphpaint.model.nn.GradientRecording.disableOnThisThread();
    int n = graphs.size();
    if (n < 2 || truth.size() != n) {
      throw new IllegalArgumentException("need at least two graphs and one image per graph, got " + n + " graphs and "
          + truth.size() + " images");
    }
    List<String> own = new ArrayList<>(n);
    List<String> reversed = new ArrayList<>(n);
    List<BufferedImage> mirrored = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      own.add(PromptKind.CAPTION.text(graphs.get(i)));
      reversed.add(PromptKind.CAPTION.text(graphs.get(i).withRelationshipsReversed()));
      mirrored.add(mirror(truth.get(i)));
    }
    try (NDManager manager = parent.newSubManager()) {
      ParameterStore store = new ParameterStore(manager, false);
      float[][] text = texts(clip, tokenizer, own, store, manager);
      float[][] textReversed = texts(clip, tokenizer, reversed, store, manager);
      float[][] image = images(clip, truth, store, manager);
      float[][] imageMirrored = images(clip, mirrored, store, manager);
      int counted = 0;
      int preferred = 0;
      double textShift = 0;
      double textOther = 0;
      double imageShift = 0;
      double imageOther = 0;
      for (int i = 0; i < n; i++) {
        int other = (i + 1) % n;
        if (!own.get(i).equals(reversed.get(i))) {
          counted++;
          if (dot(image[i], text[i]) > dot(image[i], textReversed[i])) {
            preferred++;
          }
        }
        textShift += squaredDistance(text[i], textReversed[i]);
        textOther += squaredDistance(text[i], text[other]);
        imageShift += squaredDistance(image[i], imageMirrored[i]);
        imageOther += squaredDistance(image[i], image[other]);
      }
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("clip_reversed_caption_preference", counted == 0 ? Double.NaN : preferred / (double) counted);
      out.put("clip_text_shift_reversed", ratio(textShift, textOther));
      out.put("clip_image_shift_mirrored", ratio(imageShift, imageOther));
      return out;
    }
  }

  /** {@code image} mirrored left to right. */
  static BufferedImage mirror(BufferedImage image) {
    AffineTransform flip = AffineTransform.getScaleInstance(-1, 1);
    flip.translate(-image.getWidth(), 0);
    BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D graphics = rgb.createGraphics();
    graphics.drawImage(image, 0, 0, null);
    graphics.dispose();
    return new AffineTransformOp(flip, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(rgb, null);
  }

  private static float[][] texts(ClipModel clip, ClipTokenizer tokenizer, List<String> texts, ParameterStore store,
      NDManager manager) {
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
      try (NDManager scope = manager.newSubManager()) {
        TokenizedText tokens = tokenizer.encode(batch);
        NDArray pooled = clip.encodeText(store, tokens.inputIds(scope), tokens.attentionMask(scope), false).pooled();
        copyRows(ClipModel.l2Normalize(clip.projectText(store, pooled, false)), out, from);
      }
    }
    return out;
  }

  private static float[][] images(ClipModel clip, List<BufferedImage> images, ParameterStore store, NDManager manager) {
    ClipImageProcessor processor = ClipImageProcessor.forConfig(clip.config().vision());
    float[][] out = new float[images.size()][];
    for (int from = 0; from < images.size(); from += BATCH) {
      List<BufferedImage> batch = images.subList(from, Math.min(images.size(), from + BATCH));
      try (NDManager scope = manager.newSubManager()) {
        NDArray pooled = clip.encodeImage(store, processor.preprocess(scope, batch), false).pooled();
        copyRows(ClipModel.l2Normalize(clip.projectImage(store, pooled, false)), out, from);
      }
    }
    return out;
  }

  private static void copyRows(NDArray embeddings, float[][] out, int from) {
    int rows = (int) embeddings.getShape().get(0);
    int width = (int) embeddings.getShape().get(1);
    float[] flat = embeddings.toFloatArray();
    for (int r = 0; r < rows; r++) {
      out[from + r] = java.util.Arrays.copyOfRange(flat, r * width, (r + 1) * width);
    }
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * (double) b[i];
    }
    return sum;
  }

  private static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - (double) b[i];
      sum += d * d;
    }
    return sum;
  }

  private static double ratio(double shift, double other) {
    return other > 0 ? shift / other : 0;
  }
}
