package io.graphpaint.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.checkpoint.SafetensorsFile;
import io.graphpaint.model.checkpoint.SamplingDefaults;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.fusion.FusionMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the weights a training run had at the end of one finished stage as a model directory
 * (see {@link ModelDirectory}), e.g. stage 0b's caption-conditioned text-to-image model, to be
 * sampled and benchmarked like the final model.
 *
 * <p>The fusion mode may differ from the run's: stage 0b's UNet cross-attends to the raw CLIP text
 * states, which is what {@link FusionMode#TEXT_ONLY} feeds it, so {@code --fusion TEXT_ONLY}
 * exports it as a caption-conditioned model. The fusion weights that only the run's mode has (the
 * graph projections) are then left out and listed in {@code metrics.json}; weights the requested
 * mode needs and the stage file lacks fail the export, as does any other difference between the
 * stage file and the architecture.
 *
 * <pre>
 * ExportStage --run DIR --stage 0b-text-to-image --out DIR [--fusion TEXT_ONLY] [--dataset DIR] [--guidance W]
 * </pre>
 */
public final class ExportStage {

  /**
   * @param run training run directory (architecture.json, tokenizer.json, stages/)
   * @param stage the finished stage whose weights to export
   * @param out the model directory to write; must not exist or be empty
   * @param fusion fusion mode of the exported model, null for the run's own
   * @param dataset the run's dataset directory, for its vocab.json; null to take the vocabulary
   *     from {@code <run>/model} (present once the whole run has finished)
   * @param guidance the exported model's default classifier-free guidance scale, in [0, 30];
   *     null for the run's
   */
  public record Options(Path run, StageKind stage, Path out, FusionMode fusion, Path dataset, Double guidance) {

    public Options {
      if (run == null || stage == null || out == null) {
        throw new IllegalArgumentException("--run, --stage and --out are required");
      }
      if (guidance != null) {
        SamplingDefaults.requireGuidanceScale("--guidance", guidance);
      }
    }

    /** Options that keep the run's sampling guidance. */
    public Options(Path run, StageKind stage, Path out, FusionMode fusion, Path dataset) {
      this(run, stage, out, fusion, dataset, null);
    }

    static final String USAGE =
        "usage: ExportStage --run DIR --stage 0a-clip|0b-text-to-image|1-alignment|2-fine-tuning --out DIR"
            + " [--fusion APPEND|INTERLEAVE|APPEND_LOCAL|APPEND_TRIPLES|TEXT_ONLY] [--dataset DIR] [--guidance W]";

    public static Options parse(String... args) {
      Map<String, String> values =
          CommandArguments.pairs(args, List.of("run", "stage", "out", "fusion", "dataset", "guidance"), USAGE);
      return new Options(
          path(values.get("run")),
          values.containsKey("stage") ? StageKind.fromId(values.get("stage")) : null,
          path(values.get("out")),
          values.containsKey("fusion") ? fusionMode(values.get("fusion")) : null,
          path(values.get("dataset")),
          values.containsKey("guidance") ? guidance(values.get("guidance")) : null);
    }

    private static Double guidance(String value) {
      try {
        return Double.valueOf(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--guidance must be a number in [0, 30], got '" + value + "'", e);
      }
    }

    private static Path path(String value) {
      return value == null ? null : Path.of(value);
    }

    static FusionMode fusionMode(String name) {
      try {
        return FusionMode.valueOf(name.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--fusion must be one of " + FusionMode.names() + ", got '" + name + "'", e);
      }
    }
  }

  /** What was exported: the directory, the fusion modes and the weights left out. */
  public record Result(Path directory, StageKind stage, FusionMode runFusion, FusionMode fusion, List<String> leftOut) {}

  private ExportStage() {}

  public static void main(String[] args) {
    Result result = export(Options.parse(args));
    System.out.println("stage " + result.stage().id() + " exported, fusion mode " + result.fusion() + ", to " + result.directory());
  }

  /** Exports the stage; see the class comment. */
  public static Result export(Options options) {
    Path run = options.run();
    Path architectureFile = run.resolve(TrainRecipe.ARCHITECTURE);
    Path tokenizerFile = run.resolve(TrainRecipe.TOKENIZER);
    if (!Files.isRegularFile(architectureFile) || !Files.isRegularFile(tokenizerFile)) {
      throw new IllegalArgumentException(
          "--run " + run + " is not a training run directory (needs " + TrainRecipe.ARCHITECTURE + " and "
              + TrainRecipe.TOKENIZER + ")");
    }
    Path weightsFile = TrainRecipe.finalWeights(run, options.stage());
    if (!Files.isRegularFile(weightsFile)) {
      throw new IllegalArgumentException(
          "stage " + options.stage().id() + " of run " + run + " has not finished (no " + weightsFile.getFileName()
              + "); finished stages: " + finishedStages(run));
    }
    CommandArguments.requireNewOrEmpty(options.out());
    try {
      ModelConfig runConfig = TrainRecipe.JSON.readValue(architectureFile.toFile(), ModelConfig.class);
      FusionMode runFusion = runConfig.fusion().mode();
      FusionMode fusion = options.fusion() == null ? runFusion : options.fusion();
      ModelConfig config = runConfig.withFusion(runConfig.fusion().withMode(fusion));
      if (options.guidance() != null) {
        config = config.withSampling(config.sampling().withGuidanceScale(options.guidance()));
      }
      Vocabulary vocabulary = vocabulary(options);
      if (vocabulary.numObjectIds() != config.graphEncoder().numObjectClasses()
          || vocabulary.numPredicateIds() != config.graphEncoder().numPredicates()) {
        throw new IllegalArgumentException(
            "the vocabulary (" + vocabulary.numObjectIds() + " object ids, " + vocabulary.numPredicateIds()
                + " predicate ids) is not the run's (" + config.graphEncoder().numObjectClasses() + " and "
                + config.graphEncoder().numPredicates() + "): pass the run's own --dataset");
      }
      byte[] tokenizer = Files.readAllBytes(tokenizerFile);
      List<String> leftOut = new ArrayList<>();
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = GraphPaintModel.create(config, vocabulary, tokenizer, manager)) {
        try (NDManager scratch = manager.newSubManager()) {
          Map<String, NDArray> stageWeights = SafetensorsFile.read(weightsFile, scratch);
          Map<String, NDArray> weights = forFusionMode(stageWeights, model, runFusion, fusion, weightsFile, leftOut);
          model.parameters().load(weights, List.of(), weightsFile.toString());
        }
        if (fusion.usesGraph() && options.stage().compareTo(StageKind.FINE_TUNING) < 0) {
          System.out.println("note: the fusion's graph projection is first trained in stage "
              + StageKind.FINE_TUNING.id() + "; the graph tokens of this " + fusion + " export are untrained");
        }
        ModelDirectory.save(model, options.out(), training(run), metrics(run, options.stage(), runFusion, fusion, leftOut));
      }
      return new Result(options.out(), options.stage(), runFusion, fusion, List.copyOf(leftOut));
    } catch (IOException e) {
      throw new UncheckedIOException("could not export stage " + options.stage().id() + " of " + run + ": " + e.getMessage(), e);
    }
  }

  /**
   * The stage's weights without the fusion weights only the run's mode has (their names are added
   * to {@code leftOut}). Everything else is passed on for the strict load; fusion weights the new
   * mode needs and the stage lacks fail here with the reason.
   */
  static Map<String, NDArray> forFusionMode(
      Map<String, NDArray> stageWeights, GraphPaintModel model, FusionMode runFusion, FusionMode fusion,
      Path source, List<String> leftOut) {
    if (runFusion == fusion) {
      return stageWeights;
    }
    String prefix = GraphPaintModel.FUSION + ".";
    Map<String, NDArray> kept = new LinkedHashMap<>();
    stageWeights.forEach((name, array) -> {
      if (name.startsWith(prefix) && !model.parameters().all().containsKey(name)) {
        leftOut.add(name);
      } else {
        kept.put(name, array);
      }
    });
    List<String> missing = model.parameters().all().keySet().stream()
        .filter(name -> name.startsWith(prefix) && !stageWeights.containsKey(name))
        .toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "fusion mode " + fusion + " needs " + String.join(", ", missing) + ", which " + source
              + " (a run trained with " + runFusion + ") does not have");
    }
    return kept;
  }

  private static Vocabulary vocabulary(Options options) throws IOException {
    if (options.dataset() != null) {
      Path file = options.dataset().resolve(ShapesDatasets.VOCAB_FILE);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--dataset " + options.dataset() + " has no " + ShapesDatasets.VOCAB_FILE);
      }
      return Vocabulary.load(file);
    }
    Path finalModel = options.run().resolve("model");
    if (Files.isRegularFile(finalModel.resolve(ModelDirectory.MODEL_JSON))) {
      return ModelDirectory.readVocabulary(finalModel);
    }
    throw new IllegalArgumentException(
        "the run has no final model to take the vocabulary from yet: pass --dataset DIR (the run's dataset)");
  }

  private static JsonNode training(Path run) throws IOException {
    Path file = run.resolve(TrainRecipe.TRAINING);
    return Files.isRegularFile(file) ? TrainRecipe.JSON.readTree(file.toFile()) : null;
  }

  /** Where the export came from, and the summaries of the stages its weights went through. */
  private static Map<String, Object> metrics(
      Path run, StageKind stage, FusionMode runFusion, FusionMode fusion, List<String> leftOut) throws IOException {
    Map<String, Object> metrics = new LinkedHashMap<>();
    Map<String, Object> export = new LinkedHashMap<>();
    export.put("stage", stage.id());
    export.put("runFusionMode", runFusion.name());
    export.put("fusionMode", fusion.name());
    export.put("leftOutWeights", leftOut);
    metrics.put("export", export);
    for (StageKind kind : StageKind.values()) {
      if (kind.compareTo(stage) > 0) {
        break;
      }
      Path summary = TrainRecipe.summary(run, kind);
      if (Files.isRegularFile(summary)) {
        metrics.put(kind.id(), TrainRecipe.JSON.readValue(summary.toFile(), Map.class));
      }
    }
    return metrics;
  }

  private static List<String> finishedStages(Path run) {
    List<String> finished = new ArrayList<>();
    for (StageKind kind : StageKind.values()) {
      if (Files.isRegularFile(TrainRecipe.finalWeights(run, kind))) {
        finished.add(kind.id());
      }
    }
    return finished.isEmpty() ? List.of("none") : finished;
  }
}
