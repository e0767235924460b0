package io.graphpaint.model.eval;

import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesGenerator;
import io.graphpaint.model.data.ShapesScene;
import io.graphpaint.model.data.ShapesSplit;
import io.graphpaint.model.data.ShapesWorld;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The analyzer on ground-truth renders: how close to perfect it is (OOR, relation accuracy) and
 * how fast, for the benchmark table. Usage: {@code AnalyzerBenchmark [count] [size] [seed] [blur sigma]
 * [noise sigma] [colour cast]} (degradations on the 0-255 scale; all 0 for ground truth).
 */
public final class AnalyzerBenchmark {

  /** Result of one run. */
  public record Result(ShapesMetrics metrics, int images, double renderSeconds, double analyzeSeconds,
      double analyzeCpuSeconds, List<ImageEvaluation> failures) {
    public double analyzedImagesPerSecond() {
      return images / Math.max(analyzeSeconds, 1e-9);
    }

    /** Images per second of this thread's CPU time: the fair figure on a shared machine. */
    public double analyzedImagesPerCpuSecond() {
      return images / Math.max(analyzeCpuSeconds, 1e-9);
    }
  }

  private AnalyzerBenchmark() {}

  /**
   * Degradation applied to each render before analysis.
   *
   * @param blurSigma Gaussian blur in pixels (0 for none)
   * @param noiseSigma per-pixel noise on the 0-255 scale (0 for none)
   * @param colourCast largest per-channel colour shift on the 0-255 scale (0 for none)
   * @param seed seed of the noise and casts
   */
  public record Degradation(double blurSigma, double noiseSigma, double colourCast, long seed) {
    public static final Degradation NONE = new Degradation(0, 0, 0, 0);

    BufferedImage apply(BufferedImage image, java.util.Random random) {
      BufferedImage out = image;
      if (blurSigma > 0) {
        out = ImagePerturbations.blur(out, blurSigma);
      }
      if (colourCast > 0) {
        out = ImagePerturbations.colourCast(out, colourCast, random);
      }
      if (noiseSigma > 0) {
        out = ImagePerturbations.noise(out, noiseSigma, random);
      }
      return out;
    }
  }

  /** Analyzes renders of the first {@code count} scenes of {@code split}. */
  public static Result run(ShapesConfig config, ShapesSplit split, int count) {
    return run(config, split, count, Degradation.NONE);
  }

  /** Analyzes degraded renders of the first {@code count} scenes of {@code split}. */
  public static Result run(ShapesConfig config, ShapesSplit split, int count, Degradation degradation) {
    ShapesGenerator generator = new ShapesGenerator(config);
    ShapesAnalyzer analyzer = new ShapesAnalyzer();
    List<ShapesScene> scenes = new ArrayList<>(count);
    List<BufferedImage> images = new ArrayList<>(count);
    java.util.Random random = new java.util.Random(degradation.seed());
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      ShapesScene scene = generator.scene(split, i);
      scenes.add(scene);
      images.add(degradation.apply(ShapesWorld.render(scene), random));
    }
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t1 = System.nanoTime();
    List<ImageEvaluation> evaluations = new ArrayList<>(count);
    List<ImageEvaluation> failures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BufferedImage image = images.get(i);
      ImageEvaluation e = SceneMatcher.evaluate(ShapesGenerator.sampleId(split, i), scenes.get(i).graph(),
          analyzer.analyze(image), image.getWidth(), image.getHeight());
      evaluations.add(e);
      if (e.foundObjects() < e.graphObjects() || e.relationsHeld() < e.relations() || e.spurious() > 0) {
        failures.add(e);
      }
    }
    long t2 = System.nanoTime();
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    return new Result(ShapesMetrics.of(evaluations), count, (t1 - t0) / 1e9, (t2 - t1) / 1e9, cpu, failures);
  }

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    Degradation degradation = new Degradation(
        args.length > 3 ? Double.parseDouble(args[3]) : 0,
        args.length > 4 ? Double.parseDouble(args[4]) : 0,
        args.length > 5 ? Double.parseDouble(args[5]) : 0, seed);
    ShapesConfig config = ShapesConfig.defaults(seed, size, 0, 0, count, 0);
    run(config, ShapesSplit.TEST, Math.min(count, 200), degradation); // warm-up
    Result result = run(config, ShapesSplit.TEST, count, degradation);
    System.out.printf("analyzer on %d renders of the test split (%dx%d, seed %d, %s)%n", count, size, size, seed,
        degradation.equals(new Degradation(0, 0, 0, seed)) ? "ground truth" : degradation.toString());
    result.metrics().asMap().forEach((k, v) -> System.out.printf("  %-30s %.4f%n", k, v));
    System.out.printf("  render: %.0f images/s wall; analyze + match: %.0f images/s wall, %.0f images per CPU second%n",
        count / result.renderSeconds(), result.analyzedImagesPerSecond(), result.analyzedImagesPerCpuSecond());
    result.failures().stream().limit(10).forEach(f -> System.out.println("  failure " + f.id()
        + ": missing " + f.missing() + ", broken " + f.broken() + ", spurious " + f.spurious()
        + ", found " + f.found().stream().map(d -> d.label() + "@" + d.box() + String.format("(%.2f/%.2f)", d.confidence(), d.runnerUpScore())).toList()));
  }
}
