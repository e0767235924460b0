package io.graphpaint.model.eval;

import io.graphpaint.model.data.BlobSource;
import io.graphpaint.model.data.DirectoryBlobStore;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Scores images of the shapes world against their graphs: the analyzer finds the objects, the
 * matcher checks them against the manifest's graphs (OOR, relation accuracy, counts, spurious
 * objects), and, given a feature space, FID against the dataset's own images and diversity across
 * the images of one graph.
 *
 * <p>Images are found per manifest entry under any of these keys: {@code <image>} (the dataset's
 * own layout, e.g. {@code images/test/test-0000001.png}), {@code <id>.png}, {@code <id>/*.png},
 * {@code <id>_*.png}.
 */
public final class Evaluation {

  /**
   * What to evaluate and how.
   *
   * @param split only entries of this split (null for all)
   * @param features feature space for FID and diversity (null to skip them)
   * @param reference where the dataset's own images are, for FID (null to skip FID)
   * @param limit at most this many entries (0 for all)
   */
  public record Options(String split, ImageFeatures features, BlobSource reference, int limit) {
    public static Options defaults() {
      return new Options(null, null, null, 0);
    }
  }

  /** Per-image results, their aggregate, and the distribution metrics when asked for. */
  public record Result(
      ShapesMetrics metrics,
      List<ImageEvaluation> images,
      int entriesWithoutImages,
      Double fid,
      Double diversity,
      String featureSpace,
      double seconds) {

    public Map<String, Double> asMap() {
      Map<String, Double> map = new LinkedHashMap<>(metrics.asMap());
      if (fid != null) {
        map.put("fid", fid);
      }
      if (diversity != null) {
        map.put("diversity", diversity);
      }
      return map;
    }
  }

  private Evaluation() {}

  /** Evaluates the images in {@code imagesDir} against {@code manifest}. */
  public static Result evaluateDirectory(Path imagesDir, Path manifest) throws IOException {
    return evaluateDirectory(imagesDir, manifest, Options.defaults());
  }

  public static Result evaluateDirectory(Path imagesDir, Path manifest, Options options) throws IOException {
    return evaluate(new DirectoryBlobStore(imagesDir), Manifest.read(manifest), options);
  }

  public static Result evaluate(BlobSource images, List<ManifestEntry> entries, Options options) throws IOException {
    long start = System.nanoTime();
    ShapesAnalyzer analyzer = new ShapesAnalyzer();
    TreeSet<String> keys = new TreeSet<>(images.list(""));
    List<ImageEvaluation> evaluations = new ArrayList<>();
    List<float[]> generatedFeatures = new ArrayList<>();
    List<float[]> referenceFeatures = new ArrayList<>();
    List<List<float[]>> groups = new ArrayList<>();
    int withoutImages = 0;
    int used = 0;
    for (ManifestEntry entry : entries) {
      if (options.split() != null && !options.split().equals(entry.split())) {
        continue;
      }
      if (options.limit() > 0 && used >= options.limit()) {
        break;
      }
      used++;
      List<String> found = imagesFor(entry, keys);
      if (found.isEmpty()) {
        withoutImages++;
        continue;
      }
      List<float[]> group = new ArrayList<>();
      for (String key : found) {
        BufferedImage image = decode(images.get(key), key);
        String id = found.size() == 1 ? entry.id() : key;
        evaluations.add(SceneMatcher.evaluate(id, entry.graph(), analyzer.analyze(image), image.getWidth(),
            image.getHeight()));
        if (options.features() != null) {
          float[] f = options.features().features(image);
          generatedFeatures.add(f);
          group.add(f);
        }
      }
      groups.add(group);
      if (options.features() != null && options.reference() != null) {
        referenceFeatures.add(options.features().features(decode(options.reference().get(entry.image()), entry.image())));
      }
    }
    Double fid = null;
    Double diversity = null;
    if (options.features() != null) {
      if (options.reference() != null && generatedFeatures.size() >= 2 && referenceFeatures.size() >= 2) {
        fid = FrechetDistance.between(generatedFeatures.toArray(float[][]::new), referenceFeatures.toArray(float[][]::new));
      }
      if (groups.stream().anyMatch(g -> g.size() >= 2)) {
        diversity = DiversityScore.of(groups);
      }
    }
    return new Result(ShapesMetrics.of(evaluations), evaluations, withoutImages, fid, diversity,
        options.features() == null ? null : options.features().name(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * Scores images held in memory (e.g. just sampled by the model) against their graphs; one
   * image per graph, {@code ids} name them in the per-image results.
   */
  public static Result evaluateImages(List<String> ids, List<io.graphpaint.model.data.SceneGraph> graphs,
      List<BufferedImage> images) {
    if (ids.size() != graphs.size() || graphs.size() != images.size()) {
      throw new IllegalArgumentException("ids, graphs and images must have the same count, got "
          + ids.size() + ", " + graphs.size() + ", " + images.size());
    }
    long start = System.nanoTime();
    ShapesAnalyzer analyzer = new ShapesAnalyzer();
    List<ImageEvaluation> evaluations = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      BufferedImage image = images.get(i);
      evaluations.add(SceneMatcher.evaluate(ids.get(i), graphs.get(i), analyzer.analyze(image), image.getWidth(),
          image.getHeight()));
    }
    return new Result(ShapesMetrics.of(evaluations), evaluations, 0, null, null, null,
        (System.nanoTime() - start) / 1e9);
  }

  static List<String> imagesFor(ManifestEntry entry, TreeSet<String> keys) {
    List<String> found = new ArrayList<>();
    if (keys.contains(entry.image())) {
      found.add(entry.image());
      return found;
    }
    String single = entry.id() + ".png";
    if (keys.contains(single)) {
      found.add(single);
      return found;
    }
    for (String prefix : new String[] {entry.id() + "/", entry.id() + "_"}) {
      for (String key : keys.tailSet(prefix, true)) {
        if (!key.startsWith(prefix)) {
          break;
        }
        if (key.endsWith(".png") && key.indexOf('/', prefix.length()) < 0) {
          found.add(key);
        }
      }
    }
    return found;
  }

  private static BufferedImage decode(byte[] bytes, String key) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    if (image == null) {
      throw new IOException("'" + key + "' is not an image ImageIO can read");
    }
    return image;
  }

  /** A report with one row for this result. */
  public static BenchmarkReport report(String title, String runName, Result result) {
    BenchmarkReport report = new BenchmarkReport(title).add(runName, result.asMap());
    if (result.featureSpace() != null) {
      report.note("feature space", result.featureSpace());
    }
    report.note("entries without images", Integer.toString(result.entriesWithoutImages()));
    return report;
  }

  /**
   * {@code Evaluation <imagesDir> <manifest.jsonl> [--split S] [--limit N] [--json out.json]
   * [--fid-pixels]}: with {@code --fid-pixels}, FID and diversity in the 8x8 pixel-grid feature
   * space against the images next to the manifest.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: Evaluation <imagesDir> <manifest.jsonl> [--split S] [--limit N] "
          + "[--json out.json] [--fid-pixels]");
      System.exit(2);
    }
    Path imagesDir = Path.of(args[0]);
    Path manifest = Path.of(args[1]);
    String split = null;
    int limit = 0;
    Path json = null;
    boolean pixels = false;
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--split" -> split = args[++i];
        case "--limit" -> limit = Integer.parseInt(args[++i]);
        case "--json" -> json = Path.of(args[++i]);
        case "--fid-pixels" -> pixels = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; known: --split --limit --json --fid-pixels");
      }
    }
    Path root = manifest.toAbsolutePath().getParent();
    Options options = new Options(split, pixels ? new PixelGridFeatures(8) : null,
        pixels ? new DirectoryBlobStore(root) : null, limit);
    Result result = evaluateDirectory(imagesDir, manifest, options);
    BenchmarkReport report = report("graphpaint shapes evaluation", imagesDir.getFileName().toString(), result);
    report.note("analyzer speed", String.format("%.0f images/s", result.images().size() / result.seconds()));
    result.metrics().relationAccuracyByPredicate().forEach((p, v) ->
        report.note("relation accuracy, " + p, String.format("%.4f", v)));
    System.out.print(report.toTable());
    if (json != null) {
      report.writeJson(json);
    }
  }
}
