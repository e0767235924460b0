package io.graphpaint.model.eval;

import io.graphpaint.model.data.DirectoryBlobStore;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Paired differences between samples that earlier {@link ModelBenchmark} runs wrote: two (output
 * directory, model row) pairs sampled from the same dataset with the same graphs, seeds and
 * settings, e.g. one model before and after more training, benchmarked on different days. For each
 * split, A's OOR and relation accuracy (overall and among the pairs whose two objects were found)
 * minus B's, with the paired errors over graphs of {@link
 * ClusteredRatio}, as {@code bench model}'s comparisons give for rows of one run. Nothing is
 * sampled: the stored PNGs are measured again. Without {@code --guidance}, the one guidance scale
 * both sides stored samples at is compared (a run that stored several needs {@code --guidance}).
 *
 * <pre>
 * SampleComparison --dataset DIR --a OUT:MODEL --b OUT:MODEL [--splits test,test_unseen] [--limit 200]
 *     [--samples 2] [--guidance W]
 * </pre>
 */
public final class SampleComparison {

  static final String USAGE = "usage: SampleComparison --dataset DIR --a OUT:MODEL --b OUT:MODEL"
      + " [--splits test,test_unseen] [--limit 200] [--samples 2] [--guidance W]";

  /**
   * @param dataset the dataset both runs sampled
   * @param a benchmark output directory and model row of side A
   * @param b the same for side B
   * @param splits splits to compare
   * @param limit graphs per split, as the runs were given (0 = all)
   * @param samples images per graph in both runs
   * @param guidance the guidance scale whose samples are compared; null = the one scale both sides
   *     stored samples at
   */
  public record Options(Path dataset, Side a, Side b, List<String> splits, int limit, int samples, Double guidance) {
    public Options {
      if (dataset == null || a == null || b == null) {
        throw new IllegalArgumentException("--dataset, --a OUT:MODEL and --b OUT:MODEL are required\n" + USAGE);
      }
      if (splits == null || splits.isEmpty()) {
        throw new IllegalArgumentException("--splits must name at least one split");
      }
      if (limit < 0) {
        throw new IllegalArgumentException("--limit must be >= 0 (0 = all), got " + limit);
      }
      if (samples < 1) {
        throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
      }
      splits = List.copyOf(splits);
    }

    public static Options parse(String... args) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        String name = args[i].startsWith("--") ? args[i].substring(2) : "";
        if (!List.of("dataset", "a", "b", "splits", "limit", "samples", "guidance").contains(name)
            || i + 1 >= args.length) {
          throw new IllegalArgumentException("unknown option or missing value: '" + args[i] + "'\n" + USAGE);
        }
        values.put(name, args[i + 1]);
      }
      try {
        return new Options(
            values.containsKey("dataset") ? Path.of(values.get("dataset")) : null,
            values.containsKey("a") ? Side.parse("--a", values.get("a")) : null,
            values.containsKey("b") ? Side.parse("--b", values.get("b")) : null,
            List.of(values.getOrDefault("splits", "test,test_unseen").split(",")),
            Integer.parseInt(values.getOrDefault("limit", "200")),
            Integer.parseInt(values.getOrDefault("samples", "2")),
            values.containsKey("guidance") ? Double.valueOf(values.get("guidance")) : null);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a numeric option is not a number: " + e.getMessage() + "\n" + USAGE, e);
      }
    }
  }

  /** A model row of a benchmark output directory. */
  public record Side(Path out, String model) {
    static Side parse(String flag, String value) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new IllegalArgumentException(flag + " takes OUT:MODEL (a bench model output directory and one of its"
            + " model rows), got '" + value + "'\n" + USAGE);
      }
      return new Side(Path.of(value.substring(0, colon)), value.substring(colon + 1));
    }

    String label() {
      return out.getFileName() + ":" + model;
    }
  }

  private SampleComparison() {}

  public static void main(String[] args) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    System.out.println(run(Options.parse(args)).toTable());
  }

  /** One comparison per split; rows with each side's own OOR, relation accuracy and errors. */
  public static BenchmarkReport run(Options options) throws IOException {
    List<ManifestEntry> manifest = Manifest.read(options.dataset().resolve(Manifest.FILE_NAME));
    BenchmarkReport report = new BenchmarkReport("graphpaint sample comparison");
    report.note("dataset", options.dataset().getFileName().toString());
    double guidance = options.guidance() != null ? options.guidance() : storedGuidance(options);
    report.note("guidance", Double.toString(guidance));
    for (String split : options.splits()) {
      List<ManifestEntry> entries = ModelBenchmark.entriesOf(manifest, split, options.limit());
      if (entries.isEmpty()) {
        throw new IllegalArgumentException("split '" + split + "' has no entries in " + options.dataset());
      }
      List<String> ids = entries.stream().map(ManifestEntry::id).toList();
      List<ModelBenchmark.Tallies> sides = new ArrayList<>();
      for (Side side : List.of(options.a(), options.b())) {
        Path dir = ModelBenchmark.sampleDirectory(side.out(), side.model(), split, guidance);
        requireSamples(dir, ids, options.samples(), side);
        Evaluation.Result result = Evaluation.evaluate(new DirectoryBlobStore(dir), entries,
            new Evaluation.Options(null, null, null, 0));
        ModelBenchmark.Tallies tallies = ModelBenchmark.tallies(result.images(), ids, options.samples());
        sides.add(tallies);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("images", (double) result.images().size());
        metrics.put("oor", result.metrics().oor());
        metrics.put("relation_accuracy", result.metrics().relationAccuracy());
        metrics.put("relation_accuracy_among_found", result.metrics().relationAccuracyAmongFound());
        metrics.putAll(tallies.errors());
        report.add(side.label() + " " + split, Map.of("model", side.label(), "split", split), metrics);
      }
      report.compare(options.a().label() + " - " + options.b().label() + " " + split,
          Map.of("a", options.a().label(), "b", options.b().label(), "split", split), sides.get(0).minus(sides.get(1)));
    }
    return report;
  }

  /**
   * The guidance scale of the samples both sides stored for the first split, when each stored
   * them at one scale and it is the same one.
   */
  static double storedGuidance(Options options) throws IOException {
    String split = options.splits().get(0);
    List<Double> scales = new ArrayList<>();
    for (Side side : List.of(options.a(), options.b())) {
      List<Double> stored = ModelBenchmark.storedGuidances(side.out(), side.model(), split);
      if (stored.isEmpty()) {
        throw new IllegalArgumentException("no samples of model row '" + side.model() + "' in " + side.out()
            + " for split " + split + " (" + side.out().resolve(side.model()).resolve(split)
            + " holds no w<guidance> directory)");
      }
      if (stored.size() > 1) {
        throw new IllegalArgumentException(side.label() + " stored samples at guidance " + stored
            + " for split " + split + "; give --guidance with one of them");
      }
      scales.add(stored.get(0));
    }
    if (!scales.get(0).equals(scales.get(1))) {
      throw new IllegalArgumentException("the two sides stored samples at different guidance scales, "
          + options.a().label() + " at " + scales.get(0) + " and " + options.b().label() + " at " + scales.get(1)
          + ": samples are paired only at the same guidance");
    }
    return scales.get(0);
  }

  /** Every graph must have its samples on both sides, or the pairing would compare other graphs. */
  private static void requireSamples(Path dir, List<String> ids, int samples, Side side) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no samples of model row '" + side.model() + "' in " + side.out()
          + " at this split and guidance (" + dir + " is missing)");
    }
    for (String id : ids) {
      for (int i = 0; i < samples; i++) {
        Path file = dir.resolve(ModelBenchmark.sampleFile(id, i));
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException(file + " is missing: " + side.label() + " was not sampled with these"
              + " --limit and --samples (each graph needs samples 0.." + (samples - 1) + ")");
        }
      }
    }
  }
}
