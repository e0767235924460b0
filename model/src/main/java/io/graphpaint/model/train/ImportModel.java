package io.graphpaint.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.checkpoint.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a model directory (see {@link ModelDirectory}) as a training run whose stages 0a, 0b and
 * 1 have finished with the model's weights: the inverse of {@link ExportStage}. A {@code --base}
 * variant of it (see {@link TrainRecipe}) then trains stage 2 starting from the model, so a shipped
 * or published model can be fine-tuned further, in another fusion mode, with label dropout or
 * another lambda, without its training run.
 *
 * <p>The run gets the model's architecture and tokenizer, its recorded training configuration as
 * training.json (the defaults when the model has none), and each of the three stages the model's
 * weights as final weights; the GAN discriminator, which a model directory does not hold, is at
 * its initial value (stage 2 does not use it). Each stage's summary.json names the model it came
 * from (its directory's name and its creation time) and carries that stage's summary from the
 * model's metrics.json where there is one.
 *
 * <pre>
 * ImportModel --model DIR --out RUN_DIR
 * </pre>
 */
public final class ImportModel {

  /** The stages an imported run has finished: all but stage 2, which its variants train. */
  static final List<StageKind> IMPORTED_STAGES =
      List.of(StageKind.CLIP_PRETRAINING, StageKind.TEXT_TO_IMAGE, StageKind.ALIGNMENT);

  /**
   * @param model the model directory to import
   * @param out the run directory to write; must not exist or be empty
   */
  public record Options(Path model, Path out) {

    public Options {
      if (model == null || out == null) {
        throw new IllegalArgumentException("--model and --out are required");
      }
    }

    static final String USAGE = "usage: ImportModel --model DIR --out RUN_DIR";

    public static Options parse(String... args) {
      Map<String, String> values = CommandArguments.pairs(args, List.of("model", "out"), USAGE);
      return new Options(
          values.containsKey("model") ? Path.of(values.get("model")) : null,
          values.containsKey("out") ? Path.of(values.get("out")) : null);
    }
  }

  /** What was imported: the run directory and the model's fusion mode. */
  public record Result(Path run, String fusionMode) {}

  private ImportModel() {}

  public static void main(String[] args) {
    Result result = importModel(Options.parse(args));
    System.out.println("model imported as run " + result.run() + " (stages 0a, 0b and 1 finished, fusion mode "
        + result.fusionMode() + ")");
  }

  /** Imports the model; see the class comment. */
  public static Result importModel(Options options) {
    CommandArguments.requireNewOrEmpty(options.out());
    // read (and checked) before anything is written: a directory that is not a model fails here
    var config = ModelDirectory.readConfig(options.model());
    try {
      JsonNode manifest = TrainRecipe.JSON.readTree(options.model().resolve(ModelDirectory.MODEL_JSON).toFile());
      TrainingConfig training = training(manifest, options.model());
      Map<String, Object> metrics = metrics(options.model());
      // written beside --out and moved into place at the end: a failed import leaves no half-written run
      Path target = options.out().toAbsolutePath().normalize();
      Path run = target.resolveSibling(target.getFileName() + ".importing");
      if (Files.exists(run)) {
        StageCheckpoints.deleteRecursively(run);
      }
      Files.createDirectories(run);
      // the discriminator's initial value is the recipe's, as in a run started with its seed
      Engine.getInstance().setRandomSeed((int) training.seed());
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = ModelDirectory.load(options.model(), manager)) {
        for (StageKind kind : IMPORTED_STAGES) {
          Path stage = TrainRecipe.stageDirectory(run, kind);
          Files.createDirectories(stage);
          SafetensorsFile.write(TrainRecipe.finalWeights(run, kind), model.parameters().arrays());
          Map<String, Object> summary = new LinkedHashMap<>();
          // the model's directory name and creation time, as a --base variant records its base run's name
          summary.put("importedFrom", options.model().toAbsolutePath().normalize().getFileName().toString());
          summary.put("modelCreatedAt", manifest.path("createdAt").asText(""));
          if (metrics.get(kind.id()) instanceof Map<?, ?> recorded) {
            recorded.forEach((name, value) -> summary.putIfAbsent(String.valueOf(name), value));
          }
          Files.write(TrainRecipe.summary(run, kind), TrainRecipe.JSON.writeValueAsBytes(summary));
        }
        Files.write(run.resolve(TrainRecipe.TRAINING), TrainRecipe.JSON.writeValueAsBytes(training));
        Files.write(run.resolve(TrainRecipe.TOKENIZER), model.tokenizerJson());
        Files.write(run.resolve(TrainRecipe.ARCHITECTURE), TrainRecipe.JSON.writeValueAsBytes(config));
      } catch (RuntimeException | IOException e) {
        StageCheckpoints.deleteRecursively(run);
        throw e;
      }
      Files.deleteIfExists(target); // new or empty, as checked above
      Files.move(run, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new Result(options.out(), config.fusion().mode().name());
    } catch (IOException e) {
      throw new UncheckedIOException("could not import " + options.model() + " as a run: " + e.getMessage(), e);
    }
  }

  /** The model's recorded training configuration, or the defaults when it has none. */
  private static TrainingConfig training(JsonNode manifest, Path model) throws IOException {
    JsonNode recorded = manifest.get("training");
    if (recorded == null || recorded.isNull()) {
      System.out.println("note: " + model + " records no training configuration; the run gets the defaults");
      return TrainingConfig.defaults(1);
    }
    try {
      return TrainRecipe.JSON.treeToValue(recorded, TrainingConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("the training configuration in " + model.resolve(ModelDirectory.MODEL_JSON)
          + " is not a training.json: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metrics(Path model) throws IOException {
    Path file = model.resolve(ModelDirectory.METRICS_JSON);
    return Files.isRegularFile(file) ? TrainRecipe.JSON.readValue(file.toFile(), Map.class) : Map.of();
  }
}
