package io.graphpaint.model.eval;

import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.checkpoint.SamplingDefaults;
import io.graphpaint.model.data.DirectoryBlobStore;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.fusion.PromptKind;
import io.graphpaint.model.sampling.GeneratedImage;
import io.graphpaint.model.sampling.SamplingOptions;
import io.graphpaint.model.sampling.SamplingRequest;
import io.graphpaint.model.sampling.SceneGraphPipeline;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * The shapes benchmark for trained models: samples every graph of the chosen splits with each
 * model and guidance scale, writes the PNGs, and measures them with the analyzer (OOR, relation
 * accuracy, exact counts, spurious objects), CLIP-FID against the ground-truth renders and
 * diversity between the samples of one graph, all in the feature space of one frozen CLIP (the
 * first model's), so rows are comparable.
 *
 * <p>Rows are prompted with the object labels of each graph, as graph-conditioned models are
 * trained; the rows named by {@code --caption} are prompted with the graph flattened to the
 * caption the text-to-image stage 0b trains on (for a model exported from that stage with
 * {@code ExportStage --fusion TEXT_ONLY}). After sampling, {@code grid-<split>.png} shows the
 * first {@code --grid} graphs of each split: the graph as text, its ground-truth render and the
 * first sample of each model at the first guidance scale (see {@link SampleGrid}).
 *
 * <p>Each row carries the standard errors of its OOR and relation accuracy over graphs ({@link
 * ClusteredRatio}), and the report compares rows of the same split and guidance scale: OOR and
 * relation accuracy of one model minus another's, paired over the same graphs and seeds, with the
 * paired error ({@code --compare A:B,...}; by default the first model against each other one).
 *
 * <p>{@code --only clip} samples nothing: one row per model and split with the {@link
 * ClipRelations} of the model's CLIP on the ground truth (does it tell a caption from its
 * reversed-relations twin, an image from its mirror), for stage-0a CLIPs, in seconds. {@code
 * --only reliance} samples nothing either: the {@link ConditionReliance} of the model's denoiser on
 * the ground truth (how much it reads its condition, and the relations in it, at each noise level)
 * and the CLIP measures, the same numbers a full run's rows carry, in a minute where sampling takes
 * many.
 *
 * <pre>
 * ModelBenchmark --dataset DIR --model NAME=DIR [--model NAME=DIR ...] [--caption NAME[,NAME]]
 *     [--splits test,test_unseen] [--limit 200] [--samples 2] [--steps N] [--guidance W[,W]]
 *     [--grid 8] [--compare A:B[,A:B]] [--relation-guidance 0] [--eta E] [--only all|clip|reliance]
 *     [--out DIR]
 * </pre>
 *
 * <p>{@code --relation-guidance S} samples every row with {@link SamplingOptions#relationGuidance()}
 * S (default 0: none), recorded in each row's settings and the notes. {@code --eta E} samples with
 * DDIM eta E (0: deterministic DDIM; 1: as much fresh noise per step as DDPM) instead of each
 * model's own, recorded in each row's settings.
 *
 * <p>Without {@code --steps} or {@code --guidance} every row samples with the first model's own
 * settings (the {@code sampling} block of its {@code model.json}), so a bare run measures what that
 * model serves.
 */
public final class ModelBenchmark {

  /**
   * @param dataset shapes dataset directory (manifest.jsonl and the ground-truth images)
   * @param models row name -> model directory, in order; the first one's CLIP is the feature space
   * @param splits manifest splits to sample
   * @param limit graphs per split (0 = all)
   * @param samples images per graph, seeds seed0, seed0 + 1, ... (>= 2 measures diversity)
   * @param steps DDIM steps; null: the first model's own ({@link #resolved()})
   * @param guidance classifier-free guidance scales, one row each; null or empty: the first model's
   *     own scale
   * @param out where the PNGs and report.json go
   * @param captionModels names of the model rows prompted with the graph's caption instead of its
   *     labels
   * @param grid graphs per split shown in {@code grid-<split>.png}, in [0, 64] (0 = no grid)
   * @param only what is measured: everything ({@link Only#ALL}), or on the ground truth alone,
   *     sampling nothing, the CLIP's relation measures ({@link Only#CLIP}) or the denoiser's
   *     condition reliance with them ({@link Only#RELIANCE}); without sampling the sampling options
   *     are unused and no grid is drawn
   * @param compare pairs of model rows {A, B} whose differences A - B are reported; empty: the
   *     first model against each other one
   * @param relationGuidance {@link SamplingOptions#relationGuidance()} of every row, in [0, 30]
   * @param eta DDIM eta of every row, in [0, 1]; null: each model's own (its model.json)
   */
  public record Options(Path dataset, Map<String, Path> models, List<String> splits, int limit, int samples,
      Integer steps, List<Double> guidance, Path out, Set<String> captionModels, int grid, Only only,
      List<List<String>> compare, double relationGuidance, Float eta) {

    public Options {
      if (dataset == null || models == null || models.isEmpty() || out == null) {
        throw new IllegalArgumentException("--dataset, at least one --model NAME=DIR and --out are required");
      }
      if (splits == null || splits.isEmpty()) {
        throw new IllegalArgumentException("--splits must name at least one split");
      }
      if (limit < 0) {
        throw new IllegalArgumentException("--limit must be >= 0 (0 = all), got " + limit);
      }
      if (samples < 1 || samples > SamplingRequest.MAX_IMAGES) {
        throw new IllegalArgumentException("--samples must be within [1, " + SamplingRequest.MAX_IMAGES + "], got " + samples);
      }
      if (steps != null && (steps < 1 || steps > 1000)) {
        throw new IllegalArgumentException("--steps must be within [1, 1000], got " + steps);
      }
      guidance = guidance == null ? List.of() : List.copyOf(guidance);
      if (guidance.stream().anyMatch(g -> !(g >= 0 && g <= 30))) {
        throw new IllegalArgumentException("--guidance must list scales within [0, 30], got " + guidance);
      }
      captionModels = captionModels == null ? Set.of() : java.util.Collections.unmodifiableSet(new LinkedHashSet<>(captionModels));
      for (String name : captionModels) {
        if (!models.containsKey(name)) {
          throw new IllegalArgumentException(
              "--caption names '" + name + "', which is not a --model row (rows: " + String.join(", ", models.keySet()) + ")");
        }
      }
      if (grid < 0 || grid > 64) {
        throw new IllegalArgumentException("--grid must be within [0, 64] (0 = no grid), got " + grid);
      }
      compare = compare == null ? List.of() : compare.stream().map(List::copyOf).toList();
      if (!(relationGuidance >= 0 && relationGuidance <= 30)) {
        throw new IllegalArgumentException("--relation-guidance must be within [0, 30] (0 = none), got " + relationGuidance);
      }
      if (eta != null && !(eta >= 0 && eta <= 1)) {
        throw new IllegalArgumentException("--eta must be within [0, 1] (0 = deterministic DDIM), got " + eta);
      }
      only = only == null ? Only.ALL : only;
      if (only != Only.ALL && !compare.isEmpty()) {
        throw new IllegalArgumentException("--compare pairs sampled rows, and --only " + only.flag()
            + " samples nothing: drop one");
      }
      for (List<String> pair : compare) {
        if (pair.size() != 2 || pair.get(0).equals(pair.get(1))) {
          throw new IllegalArgumentException("--compare takes pairs A:B of two different model rows, got " + pair);
        }
        for (String name : pair) {
          if (!models.containsKey(name)) {
            throw new IllegalArgumentException("--compare names '" + name + "', which is not a --model row (rows: "
                + String.join(", ", models.keySet()) + ")");
          }
        }
      }
      models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
      splits = List.copyOf(splits);
    }

    /**
     * These options with the settings left out taken from the first model's {@code model.json}:
     * its sampling steps when {@code --steps} was not given, its guidance scale when {@code
     * --guidance} was not.
     */
    public Options resolved() {
      if (steps != null && !guidance.isEmpty()) {
        return this;
      }
      Path first = models.values().iterator().next();
      SamplingDefaults own;
      try {
        own = ModelDirectory.readConfig(first).sampling();
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--steps and --guidance default to the first model's own, but its "
            + "model.json cannot be read: " + e.getMessage(), e);
      }
      return new Options(dataset, models, splits, limit, samples, steps != null ? steps : own.steps(),
          guidance.isEmpty() ? List.of(own.guidanceScale()) : guidance, out, captionModels, grid, only, compare,
          relationGuidance, eta);
    }

    /** Whether only the CLIP's relation measures are taken ({@code --only clip}). */
    public boolean clipOnly() {
      return only == Only.CLIP;
    }

    /** The pairs {A, B} of model rows whose differences A - B are reported. */
    public List<List<String>> comparedPairs() {
      if (!compare.isEmpty()) {
        return compare;
      }
      List<String> names = List.copyOf(models.keySet());
      return names.subList(1, names.size()).stream().map(other -> List.of(names.get(0), other)).toList();
    }

    /** The prompt a model row is sampled with. */
    public PromptKind promptOf(String model) {
      return captionModels.contains(model) ? PromptKind.CAPTION : PromptKind.LABELS;
    }

    static final String USAGE = "usage: ModelBenchmark --dataset DIR --model NAME=DIR [--model NAME=DIR ...]"
        + " [--caption NAME[,NAME]] [--splits test,test_unseen] [--limit 200] [--samples 2] [--steps N]"
        + " [--guidance W[,W]] [--grid 8] [--compare A:B[,A:B]] [--relation-guidance 0] [--eta E]"
        + " [--only all|clip|reliance] [--out DIR]";

    public static Options parse(String... args) {
      Map<String, Path> models = new LinkedHashMap<>();
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'\n" + USAGE);
        }
        String name = args[i].substring(2);
        if (name.equals("model")) {
          int eq = args[i + 1].indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--model takes NAME=DIR, got '" + args[i + 1] + "'\n" + USAGE);
          }
          String model = args[i + 1].substring(0, eq);
          if (models.containsKey(model)) {
            throw new IllegalArgumentException("--model " + model + " is given twice; row names must differ");
          }
          models.put(model, Path.of(args[i + 1].substring(eq + 1)));
        } else if (List.of("dataset", "splits", "limit", "samples", "steps", "guidance", "out", "caption", "grid", "only",
            "compare", "relation-guidance", "eta")
            .contains(name)) {
          values.put(name, args[i + 1]);
        } else {
          throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
        }
      }
      String onlyFlag = values.getOrDefault("only", "all");
      Only only = java.util.Arrays.stream(Only.values()).filter(o -> o.flag().equals(onlyFlag)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("--only takes all (sample and measure everything), clip "
              + "(only the CLIP's relation measures) or reliance (the denoiser's condition reliance and the CLIP's "
              + "measures), the last two sampling nothing; got '" + onlyFlag + "'\n" + USAGE));
      try {
        List<Double> guidance = new ArrayList<>();
        if (values.containsKey("guidance")) {
          for (String g : values.get("guidance").split(",")) {
            guidance.add(Double.parseDouble(g.trim()));
          }
          if (guidance.isEmpty()) {
            throw new IllegalArgumentException("--guidance must list scales within [0, 30], got none\n" + USAGE);
          }
        }
        return new Options(
            values.containsKey("dataset") ? Path.of(values.get("dataset")) : null,
            models,
            List.of(values.getOrDefault("splits", "test,test_unseen").split(",")),
            Integer.parseInt(values.getOrDefault("limit", "200")),
            Integer.parseInt(values.getOrDefault("samples", "2")),
            values.containsKey("steps") ? Integer.valueOf(values.get("steps").trim()) : null,
            guidance,
            Path.of(values.getOrDefault("out", "benchmark-out")),
            values.containsKey("caption") ? names(values.get("caption")) : Set.of(),
            Integer.parseInt(values.getOrDefault("grid", "8")),
            only,
            values.containsKey("compare") ? pairs(values.get("compare")) : List.of(),
            Double.parseDouble(values.getOrDefault("relation-guidance", "0").trim()),
            values.containsKey("eta") ? Float.valueOf(values.get("eta").trim()) : null);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a numeric option is not a number: " + e.getMessage() + "\n" + USAGE, e);
      }
    }
  }

  /** What a run measures: everything, or on the ground truth alone, sampling nothing. */
  public enum Only {
    /** Sample every row and measure everything. */
    ALL,
    /** Only the CLIP's relation measures ({@link ClipRelations}). */
    CLIP,
    /** The denoiser's {@link ConditionReliance} and the CLIP's relation measures. */
    RELIANCE;

    /** The value of {@code --only} that selects it. */
    public String flag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Images per UNet call while sampling. */
  static final int BATCH = 32;
  /** Seeds the noise of the condition-reliance measurement: every model sees the same. */
  static final long RELIANCE_SEED = 7L;

  private ModelBenchmark() {}

  private static List<List<String>> pairs(String commaSeparated) {
    List<List<String>> pairs = new ArrayList<>();
    for (String pair : commaSeparated.split(",")) {
      String[] sides = pair.trim().split(":", -1);
      if (sides.length != 2 || sides[0].isBlank() || sides[1].isBlank()) {
        throw new IllegalArgumentException("--compare takes pairs A:B of model rows, comma-separated, got '" + pair.trim()
            + "'\n" + Options.USAGE);
      }
      pairs.add(List.of(sides[0].trim(), sides[1].trim()));
    }
    return pairs;
  }

  private static Set<String> names(String commaSeparated) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : commaSeparated.split(",")) {
      names.add(name.trim());
    }
    return names;
  }

  public static void main(String[] args) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // the grid is drawn with Java2D, never on a screen
    }
    Options options = Options.parse(args);
    BenchmarkReport report = run(options);
    System.out.println(report.toTable());
    System.out.println("report and images in " + options.out());
  }

  /** Runs every (model, split, guidance) cell; writes {@code out/report.json} and the images. */
  public static BenchmarkReport run(Options given) throws IOException {
    Options options = given.only() == Only.ALL ? given.resolved() : given;
    List<ManifestEntry> manifest = Manifest.read(options.dataset().resolve(Manifest.FILE_NAME));
    DirectoryBlobStore groundTruth = new DirectoryBlobStore(options.dataset());
    BenchmarkReport report = new BenchmarkReport("graphpaint shapes benchmark");
    report.note("dataset", options.dataset().getFileName().toString());
    Files.createDirectories(options.out());
    if (options.only() != Only.ALL) {
      return groundTruthOnly(options, manifest, groundTruth, report);
    }
    report.note("samples per graph", Integer.toString(options.samples()));
    report.note("ddim steps", Integer.toString(options.steps()));
    if (given.steps() == null || given.guidance().isEmpty()) {
      report.note("sampling defaults", "steps and guidance not given are the first model's own ("
          + options.models().keySet().iterator().next() + ", its model.json)");
    }
    report.note("unet batch", "whole batches of up to " + BATCH + " images");
    if (options.relationGuidance() > 0) {
      report.note("relation guidance", format(options.relationGuidance())
          + " (away from each graph with its relationships reversed)");
    }
    report.note("prompts", promptsNote(options));
    Map<String, Tallies> tallies = new LinkedHashMap<>(); // by model, split and guidance: what the comparisons pair
    try (NDManager root = NDManager.newBaseManager()) {
      List<Map.Entry<String, Path>> models = new ArrayList<>(options.models().entrySet());
      // one frozen CLIP for every row: the first model's
      try (SceneGraphPipeline reference = SceneGraphPipeline.load(models.get(0).getValue(), root)) {
        ImageFeatures features = new ClipImageFeatures(reference.model().clip(), root, "clip:" + models.get(0).getKey());
        report.note("feature space", features.name());
        for (Map.Entry<String, Path> model : models) {
          try (SceneGraphPipeline pipeline = model == models.get(0) ? null : SceneGraphPipeline.load(model.getValue(), root)) {
            SceneGraphPipeline sampler = pipeline == null ? reference : pipeline;
            for (String split : options.splits()) {
              List<ManifestEntry> entries = entriesOf(manifest, split, options.limit());
              if (entries.isEmpty()) {
                throw new IllegalArgumentException("split '" + split + "' has no entries in " + options.dataset());
              }
              PromptKind prompt = options.promptOf(model.getKey());
              if (prompt == PromptKind.CAPTION) {
                requireGraphCaptions(entries, split);
              }
              // does the UNet read its condition? measured once per split on the ground truth, same noise for every model
              Map<String, Double> reliance = reliance(sampler, entries, prompt, groundTruth);
              for (double guidance : options.guidance()) {
                String row = model.getKey() + " " + split + " w=" + format(guidance);
                Path dir = sampleDirectory(options.out(), model.getKey(), split, guidance);
                Measured measured =
                    sampleAndMeasure(sampler, entries, options, guidance, prompt, dir, features, groundTruth);
                tallies.put(cell(model.getKey(), split, guidance), measured.tallies());
                Map<String, Double> metrics = measured.metrics();
                metrics.putAll(reliance);
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("model", model.getKey());
                settings.put("split", split);
                settings.put("guidance", format(guidance));
                settings.put("prompt", prompt.name());
                settings.put("relation_guidance", format(options.relationGuidance()));
                settings.put("eta", format(options.eta() != null ? options.eta() : sampler.defaultOptions().eta()));
                report.add(row, settings, metrics);
                System.out.printf(Locale.ROOT, "%s: %s%n", row, metrics);
              }
            }
          }
        }
      }
    }
    compare(options, tallies, report);
    report.writeJson(options.out().resolve("report.json"));
    Files.writeString(options.out().resolve("report.txt"), report.toTable());
    if (options.grid() > 0) {
      for (String split : options.splits()) {
        writeGrid(options, entriesOf(manifest, split, Math.min(options.grid(), limitOrAll(options.limit()))), split, groundTruth);
      }
    }
    return report;
  }

  /**
   * Per graph, in the split's order: objects found of the graph's objects, relations held of its
   * relations, and relations held of those whose two objects were found (relation accuracy apart
   * from whether the objects were drawn).
   */
  record Tallies(List<ClusteredRatio.Tally> objects, List<ClusteredRatio.Tally> relations,
      List<ClusteredRatio.Tally> relationsAmongFound) {

    /**
     * {@code oor_se}, {@code relation_accuracy_se} and {@code relation_accuracy_among_found_se}: the
     * errors over graphs of these counts' ratios.
     */
    Map<String, Double> errors() {
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("oor_se", ClusteredRatio.of(objects).standardError());
      metrics.put("relation_accuracy_se", ClusteredRatio.of(relations).standardError());
      metrics.put("relation_accuracy_among_found_se", ClusteredRatio.of(relationsAmongFound).standardError());
      return metrics;
    }

    /** These counts' OOR and relation accuracy minus {@code other}'s, paired graph by graph, with their errors. */
    Map<String, Double> minus(Tallies other) {
      ClusteredRatio.Estimate oor = ClusteredRatio.difference(objects, other.objects());
      ClusteredRatio.Estimate relationAccuracy = ClusteredRatio.difference(relations, other.relations());
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("graphs", (double) oor.graphs());
      metrics.put("oor_difference", oor.value());
      metrics.put("oor_difference_se", oor.standardError());
      metrics.put("relation_accuracy_difference", relationAccuracy.value());
      metrics.put("relation_accuracy_difference_se", relationAccuracy.standardError());
      ClusteredRatio.Estimate amongFound = ClusteredRatio.difference(relationsAmongFound, other.relationsAmongFound());
      metrics.put("relation_accuracy_among_found_difference", amongFound.value());
      metrics.put("relation_accuracy_among_found_difference_se", amongFound.standardError());
      return metrics;
    }
  }

  /** A row's metrics and the per-graph counts behind them. */
  record Measured(Map<String, Double> metrics, Tallies tallies) {}

  private static String cell(String model, String split, double guidance) {
    return model + "\u0000" + split + "\u0000" + format(guidance);
  }

  /**
   * The comparisons of {@link Options#comparedPairs()}: for every split and guidance scale, A's OOR
   * and relation accuracy minus B's, with the paired errors over graphs.
   */
  static void compare(Options options, Map<String, Tallies> tallies, BenchmarkReport report) {
    for (List<String> pair : options.comparedPairs()) {
      for (String split : options.splits()) {
        for (double guidance : options.guidance()) {
          Tallies a = tallies.get(cell(pair.get(0), split, guidance));
          Tallies b = tallies.get(cell(pair.get(1), split, guidance));
          if (a == null || b == null) {
            continue;
          }
          Map<String, String> settings = new LinkedHashMap<>();
          settings.put("a", pair.get(0));
          settings.put("b", pair.get(1));
          settings.put("split", split);
          settings.put("guidance", format(guidance));
          report.compare(pair.get(0) + " - " + pair.get(1) + " " + split + " w=" + format(guidance), settings,
              a.minus(b));
        }
      }
    }
  }

  /**
   * Per graph of {@code graphIds}, in that order, the counts of its images' evaluations (ids
   * {@code <graph>_<n>.png} when a graph has several samples, the graph's id when one).
   */
  static Tallies tallies(List<ImageEvaluation> evaluations, List<String> graphIds, int samples) {
    Map<String, long[]> byGraph = new LinkedHashMap<>();
    graphIds.forEach(id -> byGraph.put(id, new long[5]));
    for (ImageEvaluation evaluation : evaluations) {
      long[] counts = byGraph.get(graphOf(evaluation, samples));
      if (counts != null) {
        counts[0] += evaluation.foundObjects();
        counts[1] += evaluation.graphObjects();
        counts[2] += evaluation.relationsHeld();
        counts[3] += evaluation.relations();
        counts[4] += evaluation.relationsWithBothFound();
      }
    }
    List<ClusteredRatio.Tally> objects = new ArrayList<>();
    List<ClusteredRatio.Tally> relations = new ArrayList<>();
    List<ClusteredRatio.Tally> amongFound = new ArrayList<>();
    for (long[] counts : byGraph.values()) {
      objects.add(new ClusteredRatio.Tally(counts[0], counts[1]));
      relations.add(new ClusteredRatio.Tally(counts[2], counts[3]));
      amongFound.add(new ClusteredRatio.Tally(counts[2], counts[4]));
    }
    return new Tallies(objects, relations, amongFound);
  }

  /**
   * {@code --only clip} and {@code --only reliance}: a row per model and split with the {@link
   * ClipRelations} of its CLIP on the ground truth, and for {@code reliance} the {@link
   * ConditionReliance} of its denoiser before them.
   */
  private static BenchmarkReport groundTruthOnly(Options options, List<ManifestEntry> manifest,
      DirectoryBlobStore groundTruth, BenchmarkReport report) throws IOException {
    report.note("measured", options.only() == Only.CLIP
        ? "the CLIP of each model on the ground truth only (--only clip): nothing sampled"
        : "the denoiser's condition reliance and the CLIP of each model on the ground truth only (--only reliance):"
            + " nothing sampled");
    if (options.only() == Only.RELIANCE) {
      report.note("prompts", promptsNote(options));
    }
    Map<String, List<ManifestEntry>> entriesBySplit = new LinkedHashMap<>();
    Map<String, List<SceneGraph>> graphsBySplit = new LinkedHashMap<>();
    Map<String, List<BufferedImage>> truthBySplit = new LinkedHashMap<>();
    for (String split : options.splits()) {
      List<ManifestEntry> entries = entriesOf(manifest, split, options.limit());
      if (entries.size() < 2) {
        throw new IllegalArgumentException("split '" + split + "' has " + entries.size() + " entries in "
            + options.dataset() + "; the CLIP measures compare graphs, so they need at least 2");
      }
      entriesBySplit.put(split, entries);
      graphsBySplit.put(split, entries.stream().map(ManifestEntry::graph).toList());
      truthBySplit.put(split, decodeAll(entries, groundTruth));
    }
    try (NDManager root = NDManager.newBaseManager()) {
      for (Map.Entry<String, Path> model : options.models().entrySet()) {
        try (SceneGraphPipeline pipeline = SceneGraphPipeline.load(model.getValue(), root)) {
          for (String split : options.splits()) {
            Map<String, Double> metrics;
            if (options.only() == Only.RELIANCE) {
              PromptKind prompt = options.promptOf(model.getKey());
              if (prompt == PromptKind.CAPTION) {
                requireGraphCaptions(entriesBySplit.get(split), split);
              }
              metrics = reliance(pipeline, graphsBySplit.get(split), truthBySplit.get(split), prompt);
            } else {
              metrics = ClipRelations.measure(pipeline.model().clip(), pipeline.model().tokenizer(),
                  graphsBySplit.get(split), truthBySplit.get(split), pipeline.model().manager());
            }
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("model", model.getKey());
            settings.put("split", split);
            String row = model.getKey() + " " + split;
            report.add(row, settings, metrics);
            System.out.printf(Locale.ROOT, "%s: %s%n", row, metrics);
          }
        }
      }
    }
    report.writeJson(options.out().resolve("report.json"));
    Files.writeString(options.out().resolve("report.txt"), report.toTable());
    return report;
  }

  private static List<BufferedImage> decodeAll(List<ManifestEntry> entries, DirectoryBlobStore groundTruth)
      throws IOException {
    List<BufferedImage> images = new ArrayList<>(entries.size());
    for (ManifestEntry entry : entries) {
      images.add(decode(groundTruth.get(entry.image()), entry.image()));
    }
    return images;
  }

  private static int limitOrAll(int limit) {
    return limit == 0 ? Integer.MAX_VALUE : limit;
  }

  /** {@code out/<model>/<split>/w<scale>}: the samples of one row. */
  static Path sampleDirectory(Path out, String model, String split, double guidance) {
    return out.resolve(model).resolve(split).resolve("w" + format(guidance));
  }

  /** The guidance scales of the sample directories a run stored for {@code model} and {@code split}, ascending. */
  static List<Double> storedGuidances(Path out, String model, String split) throws IOException {
    Path dir = out.resolve(model).resolve(split);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var children = Files.list(dir)) {
      return children.filter(Files::isDirectory).map(child -> child.getFileName().toString())
          .filter(name -> name.matches("w[0-9]+(\\.[0-9]+)?")).map(name -> Double.valueOf(name.substring(1)))
          .sorted().toList();
    }
  }

  /** File name of sample {@code index} of graph {@code id}. */
  static String sampleFile(String id, int index) {
    return id + "_" + index + ".png";
  }

  /**
   * Caption prompts are made from the graph ({@link PromptKind#CAPTION}); they match what stage 0b
   * was trained on only if the dataset's captions are those same graph captions.
   */
  static void requireGraphCaptions(List<ManifestEntry> entries, String split) {
    for (ManifestEntry entry : entries) {
      String fromGraph = PromptKind.CAPTION.text(entry.graph());
      if (!fromGraph.equals(entry.caption())) {
        throw new IllegalArgumentException("sample " + entry.id() + " of split '" + split + "' has the caption '"
            + entry.caption() + "', not its graph's caption '" + fromGraph + "': --caption rows would not be"
            + " prompted as the model was trained");
      }
    }
  }

  /**
   * {@code out/grid-<split>.png} and {@code out/grid-<split>.md}: the graphs of {@code entries},
   * their ground truth and sample 0 of each model at the first guidance scale.
   */
  static SampleGrid.Grid writeGrid(Options options, List<ManifestEntry> entries, String split, DirectoryBlobStore groundTruth)
      throws IOException {
    double guidance = options.guidance().get(0);
    List<SceneGraph> graphs = entries.stream().map(ManifestEntry::graph).toList();
    List<SampleGrid.Column> columns = new ArrayList<>();
    List<BufferedImage> truth = new ArrayList<>();
    for (ManifestEntry entry : entries) {
      truth.add(decode(groundTruth.get(entry.image()), entry.image()));
    }
    columns.add(new SampleGrid.Column("ground truth", truth));
    List<String> described = new ArrayList<>();
    for (String model : options.models().keySet()) {
      Path dir = sampleDirectory(options.out(), model, split, guidance);
      List<BufferedImage> samples = new ArrayList<>();
      for (ManifestEntry entry : entries) {
        Path file = dir.resolve(sampleFile(entry.id(), 0));
        samples.add(Files.isRegularFile(file) ? decode(Files.readAllBytes(file), file.toString()) : null);
      }
      PromptKind prompt = options.promptOf(model);
      columns.add(new SampleGrid.Column(prompt == PromptKind.CAPTION ? model + " (caption)" : model, samples));
      described.add("`" + model + "` (" + prompt.name().toLowerCase(Locale.ROOT) + " prompt)");
    }
    SampleGrid.Grid grid = SampleGrid.render(graphs, columns, SampleGrid.DEFAULT_CELL);
    Path png = options.out().resolve("grid-" + split + ".png");
    grid.writePng(png);
    int scale = grid.layout().cellSize() / Math.max(1, truth.get(0).getWidth());
    String markdown = "![graphpaint samples of the first " + entries.size() + " graphs of split " + split + "]("
        + png.getFileName() + ")\n\n"
        + "One row per graph of split `" + split + "` (objects numbered, then relations as `subject predicate object`)."
        + " Columns: the graph, its ground-truth render, then the first sample (DDIM, " + options.steps()
        + " steps, guidance w = " + format(guidance) + ", the same seed in every column) of "
        + String.join(", ", described) + ". Images enlarged " + scale + "x with nearest neighbour.\n";
    Files.writeString(options.out().resolve("grid-" + split + ".md"), markdown);
    return grid;
  }

  private static BufferedImage decode(byte[] bytes, String name) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    if (image == null) {
      throw new IOException("not a readable image: " + name);
    }
    return image;
  }

  static List<ManifestEntry> entriesOf(List<ManifestEntry> manifest, String split, int limit) {
    List<ManifestEntry> out = new ArrayList<>();
    for (ManifestEntry e : manifest) {
      if (split.equals(e.split()) && (limit == 0 || out.size() < limit)) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * {@link ConditionReliance} of a model on the ground truth of {@code entries}, and {@link
   * ClipRelations} of its CLIP (the space its graph encoder was aligned to).
   */
  static Map<String, Double> reliance(SceneGraphPipeline pipeline, List<ManifestEntry> entries, PromptKind prompt,
      DirectoryBlobStore groundTruth) throws IOException {
    if (entries.size() < 2) {
      return Map.of();
    }
    return reliance(pipeline, entries.stream().map(ManifestEntry::graph).toList(), decodeAll(entries, groundTruth),
        prompt);
  }

  /** As {@link #reliance(SceneGraphPipeline, List, PromptKind, DirectoryBlobStore)}, on decoded ground truth. */
  private static Map<String, Double> reliance(SceneGraphPipeline pipeline, List<SceneGraph> graphs,
      List<BufferedImage> truth, PromptKind prompt) {
    Map<String, Double> out = new LinkedHashMap<>(
        ConditionReliance.measure(pipeline, graphs, truth, prompt, RELIANCE_SEED).asMap());
    out.putAll(ClipRelations.measure(pipeline.model().clip(), pipeline.model().tokenizer(), graphs, truth,
        pipeline.model().manager()));
    return out;
  }

  /** The prompt of each model row, as the report's notes give it: {@code name=labels, name=caption}. */
  private static String promptsNote(Options options) {
    List<String> prompts = new ArrayList<>();
    options.models().keySet().forEach(name -> prompts.add(name + "=" + options.promptOf(name).name().toLowerCase(Locale.ROOT)));
    return String.join(", ", prompts);
  }

  private static Measured sampleAndMeasure(SceneGraphPipeline pipeline, List<ManifestEntry> entries,
      Options options, double guidance, PromptKind prompt, Path dir, ImageFeatures features, DirectoryBlobStore groundTruth)
      throws IOException {
    Files.createDirectories(dir);
    List<SamplingRequest> requests = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      // the seed depends on the graph's position only, so every model and scale sees the same noise
      requests.add(new SamplingRequest(entries.get(i).graph(), 1_000L * i, options.samples()));
    }
    SamplingOptions sampling = pipeline.defaultOptions().withSteps(options.steps()).withGuidanceScale(guidance)
        .withPrompt(prompt).withMaxBatch(BATCH).withRelationGuidance(options.relationGuidance());
    if (options.eta() != null) {
      sampling = sampling.withEta(options.eta());
    }
    // whole batches through the UNet: about twice as fast as image by image, and the benchmark's
    // batches are fixed by its options, so its images are reproducible all the same
    boolean invariant = pipeline.batchInvariant();
    pipeline.withBatchInvariance(false);
    long start = System.nanoTime();
    List<GeneratedImage> images = pipeline.generate(requests, sampling, io.graphpaint.model.sampling.SamplingProgress.NONE);
    double seconds = (System.nanoTime() - start) / 1e9;
    pipeline.withBatchInvariance(invariant);
    for (GeneratedImage image : images) {
      String id = entries.get(image.request()).id();
      Files.write(dir.resolve(sampleFile(id, image.index())), image.png());
    }
    Evaluation.Result result = Evaluation.evaluate(new DirectoryBlobStore(dir), entries,
        new Evaluation.Options(null, features, groundTruth, 0));
    Map<String, Double> metrics = new LinkedHashMap<>(result.asMap());
    List<String> graphIds = entries.stream().map(ManifestEntry::id).toList();
    Tallies tallies = tallies(result.images(), graphIds, options.samples());
    metrics.putAll(tallies.errors());
    metrics.put("graphs_all_samples_satisfied", allSamplesSatisfied(result.images(), graphIds, options.samples()));
    metrics.put("images_per_second", images.size() / seconds);
    return new Measured(metrics, tallies);
  }

  /** The graph an image evaluation belongs to: its id is "<graph>_<n>.png" when a graph has several samples. */
  private static String graphOf(ImageEvaluation evaluation, int samples) {
    String id = evaluation.id();
    return samples == 1 ? id : id.substring(0, id.lastIndexOf('_'));
  }

  /** Fraction of graphs whose every sample has all objects found and all relations held. */
  static double allSamplesSatisfied(List<ImageEvaluation> evaluations, List<String> graphIds, int samples) {
    Map<String, Boolean> byGraph = new LinkedHashMap<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (String id : graphIds) {
      byGraph.put(id, true);
      seen.put(id, 0);
    }
    for (ImageEvaluation evaluation : evaluations) {
      String graph = graphOf(evaluation, samples);
      seen.computeIfPresent(graph, (k, v) -> v + 1);
      boolean ok = evaluation.foundObjects() == evaluation.graphObjects()
          && evaluation.relationsHeld() == evaluation.relations();
      byGraph.computeIfPresent(graph, (k, v) -> v && ok);
    }
    // a graph with fewer images than asked for (one failed to decode, say) does not count as satisfied
    byGraph.replaceAll((graph, ok) -> ok && seen.get(graph) == samples);
    return byGraph.values().stream().filter(v -> v).count() / (double) Math.max(1, byGraph.size());
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
