package io.graphpaint.model.train;

import static io.graphpaint.model.nn.FixtureFiles.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.checkpoint.SafetensorsFile;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained model written back as a run, and a variant that fine-tunes it further. */
class ImportModelTest {

  private static final String UNET_WEIGHT = GraphPaintModel.UNET + ".conv_in.weight";

  /**
   * A tiny real run's model imported: the run has the model's architecture, tokenizer, training
   * configuration and, as each of stages 0a, 0b and 1, the model's weights. A variant on it trains
   * stage 2 from the model's weights, which stage 2 of the original run had moved away from its
   * stage-1 weights: with a learning rate of 1e-30 the variant's UNet is the model's, not the
   * original run's stage-1 UNet.
   */
  @Test
  void anImportedModelIsABaseRunWhoseVariantsFineTuneTheModel(@TempDir Path dataset, @TempDir Path original,
      @TempDir Path work) throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    // steps per stage: 2000, 12000, 2000, 12000 times 1/2000 -> 1, 6, 1, 6
    Path model = new TrainRecipe(TrainRecipe.Options.parse("--dataset", dataset.toString(), "--run", original.toString(),
        "--steps-scale", "0.0005", "--size", "tiny", "--text-length", "32", "--seed", "5"), List.of()).run();
    Path imported = work.resolve("imported");

    ImportModel.Result result = ImportModel.importModel(
        ImportModel.Options.parse("--model", model.toString(), "--out", imported.toString()));

    assertThat(result.fusionMode()).isEqualTo("APPEND");
    assertThat(TrainRecipe.JSON.readValue(imported.resolve(TrainRecipe.ARCHITECTURE).toFile(), ModelConfig.class))
        .isEqualTo(ModelDirectory.readConfig(model));
    assertThat(imported.resolve(TrainRecipe.TOKENIZER)).hasSameBinaryContentAs(model.resolve(ModelDirectory.TOKENIZER_JSON));
    assertThat(TrainRecipe.JSON.readTree(imported.resolve(TrainRecipe.TRAINING).toFile()))
        .isEqualTo(TrainRecipe.JSON.readTree(original.resolve(TrainRecipe.TRAINING).toFile()));
    assertThat(TrainRecipe.finalWeights(imported, StageKind.FINE_TUNING)).doesNotExist();
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel trained = ModelDirectory.load(model, manager)) {
      Map<String, NDArray> weights = trained.parameters().arrays(GraphPaintModel.SAMPLING_COMPONENTS);
      for (StageKind kind : ImportModel.IMPORTED_STAGES) {
        Map<String, NDArray> stage = SafetensorsFile.read(TrainRecipe.finalWeights(imported, kind), manager);
        assertThat(stage.keySet()).containsAll(weights.keySet())
            .anyMatch(name -> name.startsWith(GraphPaintModel.DISCRIMINATOR + "."));
        weights.forEach((name, array) ->
            assertThat(stage.get(name).toFloatArray()).as(kind.id() + " " + name).containsExactly(array.toFloatArray()));
        String summary = Files.readString(TrainRecipe.summary(imported, kind));
        assertThat(summary).contains("\"importedFrom\" : \"model\"", "\"modelCreatedAt\" : \"20",
            "\"steps\" : " + (kind == StageKind.TEXT_TO_IMAGE ? 6 : 1));
      }
    }

    // a model whose weights do not load: nothing is left behind, neither the run nor a part of it
    Path broken = Files.createDirectories(work.resolve("broken"));
    try (var files = Files.list(model)) {
      for (Path file : files.toList()) {
        Files.copy(file, broken.resolve(file.getFileName()));
      }
    }
    Files.write(broken.resolve(ModelDirectory.weightsFile(GraphPaintModel.UNET)), new byte[] {1, 2, 3});
    Path notWritten = work.resolve("not-written");
    assertThatThrownBy(() -> ImportModel.importModel(
        ImportModel.Options.parse("--model", broken.toString(), "--out", notWritten.toString())))
        .hasMessageContaining(ModelDirectory.weightsFile(GraphPaintModel.UNET));
    assertThat(notWritten).doesNotExist();
    try (var left = Files.list(work)) {
      assertThat(left.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("imported", "broken");
    }

    ObjectNode slow = (ObjectNode) TrainRecipe.JSON.readTree(imported.resolve(TrainRecipe.TRAINING).toFile());
    ((ObjectNode) slow.path("fineTuning").path("optimizer")).put("learningRate", 1e-30);
    Path recipe = work.resolve("slow.json");
    Files.write(recipe, TrainRecipe.JSON.writeValueAsBytes(slow));
    List<String> steps = new ArrayList<>();
    Path variant = new TrainRecipe(TrainRecipe.Options.parse("--dataset", dataset.toString(), "--run",
        work.resolve("variant").toString(), "--base", imported.toString(), "--recipe", recipe.toString(), "--seed", "5"),
        List.of(p -> steps.add(p.stage() + "@" + p.step()))).run();

    assertThat(steps).hasSize(6).allMatch(step -> step.startsWith("2-fine-tuning@"));
    assertThat(Files.readString(variant.resolve(ModelDirectory.METRICS_JSON))).contains("\"fromBaseRun\" : \"imported\"");
    try (NDManager manager = NDManager.newBaseManager()) {
      float[] modelUnet = unet(model, manager);
      float[] variantUnet = unet(variant, manager);
      float[] stageOneUnet = SafetensorsFile.read(TrainRecipe.finalWeights(original, StageKind.ALIGNMENT), manager)
          .get(UNET_WEIGHT).toFloatArray();
      assertThat(maxAbsDiff(variantUnet, modelUnet)).isLessThan(1e-7);
      assertThat(maxAbsDiff(stageOneUnet, modelUnet)).as("stage 2 of the original run moved the UNet")
          .isGreaterThan(1e-5);
    }
  }

  @Test
  void whatIsNotAModelAndAFullOutputAreRefusedBeforeAnythingIsWritten(@TempDir Path work) throws Exception {
    Path notAModel = Files.createDirectories(work.resolve("not-a-model"));
    Path out = work.resolve("out");
    assertThatThrownBy(() -> ImportModel.importModel(
        ImportModel.Options.parse("--model", notAModel.toString(), "--out", out.toString())))
        .hasMessage("not a graphpaint model directory (no model.json): " + notAModel);
    assertThat(out).doesNotExist();
    Path full = Files.createDirectories(work.resolve("full"));
    Files.writeString(full.resolve("notes.txt"), "kept");
    assertThatThrownBy(() -> ImportModel.importModel(
        ImportModel.Options.parse("--model", notAModel.toString(), "--out", full.toString())))
        .hasMessage("--out " + full + " is not empty; it must be a new or empty directory");
    assertThat(full).isDirectoryContaining(path -> path.getFileName().toString().equals("notes.txt"));
    assertThatThrownBy(() -> ImportModel.Options.parse("--model", "m"))
        .hasMessage("--model and --out are required");
    assertThatThrownBy(() -> ImportModel.Options.parse("--model", "m", "--out", "o", "--stage", "1"))
        .hasMessageStartingWith("unknown option --stage");
  }

  private static float[] unet(Path model, NDManager manager) {
    Map<String, NDArray> unet = SafetensorsFile.read(model.resolve(ModelDirectory.weightsFile(GraphPaintModel.UNET)), manager);
    return unet.get(UNET_WEIGHT.substring(GraphPaintModel.UNET.length() + 1)).toFloatArray();
  }

}
