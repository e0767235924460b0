package io.graphpaint.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.checkpoint.SafetensorsFile;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.model.fusion.FusionMode;
import io.graphpaint.model.fusion.PromptKind;
import io.graphpaint.model.sampling.SamplingOptions;
import io.graphpaint.model.sampling.SamplingProgress;
import io.graphpaint.model.sampling.SamplingRequest;
import io.graphpaint.model.sampling.SceneGraphPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run directory laid out as TrainRecipe writes it, exported stage by stage. */
class ExportStageTest {

  private static final TinyWorld WORLD = new TinyWorld(4, 3);
  private static final String PROJECTION_WEIGHT = GraphPaintModel.FUSION + ".globalProjection.weight";
  private static final String PROJECTION_BIAS = GraphPaintModel.FUSION + ".globalProjection.bias";

  /**
   * Writes architecture.json, tokenizer.json, training.json, the dataset's vocab.json and the final
   * weights of {@code stage} (a seeded model's weights plus 0.25, so no fresh initialisation can
   * equal them), edited by {@code edit}.
   */
  private static void writeRun(Path run, Path dataset, FusionMode mode, StageKind stage,
      UnaryOperator<Map<String, NDArray>> edit) throws Exception {
    ModelConfig config = WORLD.config.withFusion(WORLD.config.fusion().withMode(mode));
    Files.write(run.resolve(TrainRecipe.ARCHITECTURE), TrainRecipe.JSON.writeValueAsBytes(config));
    Files.write(run.resolve(TrainRecipe.TOKENIZER), WORLD.tokenizerJson);
    Files.write(run.resolve(TrainRecipe.TRAINING), TrainRecipe.JSON.writeValueAsBytes(TrainingConfig.defaults(3)));
    WORLD.vocabulary.save(dataset.resolve(ShapesDatasets.VOCAB_FILE));
    Engine.getInstance().setRandomSeed(11);
    try (NDManager manager = NDManager.newBaseManager(); GraphPaintModel model = WORLD.model(manager, config)) {
      Map<String, NDArray> shifted = new LinkedHashMap<>();
      model.parameters().arrays().forEach((name, array) -> {
        NDArray value = array.add(0.25f);
        value.setName(name);
        shifted.put(name, value);
      });
      Files.createDirectories(TrainRecipe.stageDirectory(run, stage));
      SafetensorsFile.write(TrainRecipe.finalWeights(run, stage), edit.apply(shifted));
      Files.writeString(TrainRecipe.summary(run, stage), "{\"steps\": 7}");
    }
  }

  private static ExportStage.Options options(Path run, String stage, Path out, String fusion, Path dataset) {
    return fusion == null
        ? ExportStage.Options.parse("--run", run.toString(), "--stage", stage, "--out", out.toString(), "--dataset", dataset.toString())
        : ExportStage.Options.parse("--run", run.toString(), "--stage", stage, "--out", out.toString(), "--fusion", fusion,
            "--dataset", dataset.toString());
  }

  /** Every weight of the exported model equals the stage file's tensor of the same name. */
  private static void assertWeightsEqualStageFile(Path model, Path stageFile, FusionMode mode) {
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel exported = ModelDirectory.load(model, manager)) {
      assertThat(exported.config().fusion().mode()).isEqualTo(mode);
      Map<String, NDArray> stage = SafetensorsFile.read(stageFile, manager);
      Map<String, NDArray> weights = exported.parameters().arrays(GraphPaintModel.SAMPLING_COMPONENTS);
      assertThat(weights).hasSizeGreaterThan(20);
      weights.forEach((name, array) -> {
        assertThat(stage).as(name).containsKey(name);
        assertThat(array.toFloatArray()).as(name).containsExactly(stage.get(name).toFloatArray());
      });
    }
  }

  @Test
  void stage0bExportedAsTextOnlyKeepsEveryWeightAndLeavesOutOnlyTheGraphProjection(
      @TempDir Path run, @TempDir Path dataset, @TempDir Path out) throws Exception {
    writeRun(run, dataset, FusionMode.APPEND, StageKind.TEXT_TO_IMAGE, w -> w);
    Path model = out.resolve("caption-model");

    ExportStage.Result result = ExportStage.export(options(run, "0b-text-to-image", model, "TEXT_ONLY", dataset));

    assertThat(result.runFusion()).isEqualTo(FusionMode.APPEND);
    assertThat(result.fusion()).isEqualTo(FusionMode.TEXT_ONLY);
    assertThat(result.leftOut()).containsExactlyInAnyOrder(PROJECTION_WEIGHT, PROJECTION_BIAS);
    assertThat(ModelDirectory.readConfig(model).fusion().mode()).isEqualTo(FusionMode.TEXT_ONLY);
    assertWeightsEqualStageFile(model, TrainRecipe.finalWeights(run, StageKind.TEXT_TO_IMAGE), FusionMode.TEXT_ONLY);
    // the fusion component of a TEXT_ONLY model is the null token alone
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThat(SafetensorsFile.read(model.resolve(ModelDirectory.weightsFile(GraphPaintModel.FUSION)), manager))
          .containsOnlyKeys("nullToken");
    }
    String metrics = Files.readString(model.resolve(ModelDirectory.METRICS_JSON));
    assertThat(metrics).contains("\"stage\" : \"0b-text-to-image\"", "\"fusionMode\" : \"TEXT_ONLY\"",
        "\"runFusionMode\" : \"APPEND\"", PROJECTION_WEIGHT, "\"steps\" : 7");
  }

  /** A real (tiny, few-step) run: stage 0b exported as TEXT_ONLY is 0b's model, not the final one, and samples. */
  @Test
  void stage0bOfARealRunSamplesWithCaptionPrompts(@TempDir Path dataset, @TempDir Path run, @TempDir Path out)
      throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    // steps per stage: 2000, 12000, 2000, 12000 times 1/4000 -> 1, 3, 1, 3; the vocabulary comes from RUN/model
    Path finalModel = new TrainRecipe(TrainRecipe.Options.parse("--dataset", dataset.toString(), "--run", run.toString(),
        "--steps-scale", "0.00025", "--size", "tiny", "--text-length", "32", "--seed", "2"), List.of()).run();
    Path model = out.resolve("0b");

    ExportStage.Result result = ExportStage.export(ExportStage.Options.parse(
        "--run", run.toString(), "--stage", "0b-text-to-image", "--out", model.toString(), "--fusion", "TEXT_ONLY"));

    assertThat(result.leftOut()).containsExactlyInAnyOrder(PROJECTION_WEIGHT, PROJECTION_BIAS);
    assertWeightsEqualStageFile(model, TrainRecipe.finalWeights(run, StageKind.TEXT_TO_IMAGE), FusionMode.TEXT_ONLY);
    try (NDManager manager = NDManager.newBaseManager();
        SceneGraphPipeline exported = SceneGraphPipeline.load(model, manager);
        GraphPaintModel full = ModelDirectory.load(finalModel, manager)) {
      // stage 2 trained the UNet further: the export holds the UNet as 0b left it
      String weight = GraphPaintModel.UNET + ".conv_in.weight";
      assertThat(exported.model().parameters().arrays().get(weight).toFloatArray())
          .isNotEqualTo(full.parameters().arrays().get(weight).toFloatArray());
      var graph = SceneGraph.of(List.of("red circle", "blue square"), List.of(new Relationship(0, "left of", 1)));
      var images = exported.generate(List.of(new SamplingRequest(graph, 1, 1)),
          new SamplingOptions(2, 1.5, 0f, 1, PromptKind.CAPTION), SamplingProgress.NONE);
      assertThat(images.get(0).png()).isNotEmpty();
    }
  }

  @Test
  void exportInTheRunsOwnModeTakesEveryWeightAndTheShortStageId(
      @TempDir Path run, @TempDir Path dataset, @TempDir Path out) throws Exception {
    writeRun(run, dataset, FusionMode.APPEND, StageKind.FINE_TUNING, w -> w);
    ExportStage.Result result = ExportStage.export(options(run, "2", out, null, dataset));
    assertThat(result.stage()).isEqualTo(StageKind.FINE_TUNING);
    assertThat(result.leftOut()).isEmpty();
    assertWeightsEqualStageFile(out, TrainRecipe.finalWeights(run, StageKind.FINE_TUNING), FusionMode.APPEND);
    assertThat(ModelDirectory.readConfig(out).sampling().guidanceScale()).isEqualTo(1.5);
  }

  @Test
  void guidanceSetsTheExportedModelsSamplingDefault(@TempDir Path run, @TempDir Path dataset, @TempDir Path out)
      throws Exception {
    writeRun(run, dataset, FusionMode.APPEND, StageKind.TEXT_TO_IMAGE, w -> w);
    ExportStage.export(ExportStage.Options.parse("--run", run.toString(), "--stage", "0b", "--out", out.toString(),
        "--fusion", "TEXT_ONLY", "--dataset", dataset.toString(), "--guidance", "2.0"));
    assertThat(ModelDirectory.readConfig(out).sampling().guidanceScale()).isEqualTo(2.0);
    assertThat(ModelDirectory.readConfig(out).sampling().steps()).isEqualTo(50);
    assertThatThrownBy(() -> ExportStage.Options.parse("--run", "r", "--stage", "0b", "--out", "o", "--guidance", "-1"))
        .hasMessageContaining("--guidance must be within [0, 30]");
    assertThatThrownBy(() -> ExportStage.Options.parse("--run", "r", "--stage", "0b", "--out", "o", "--guidance", "two"))
        .hasMessageContaining("--guidance must be a number in [0, 30], got 'two'");
  }

  @Test
  void weightsTheRequestedModeNeedsAndTheStageLacksFailTheExport(
      @TempDir Path run, @TempDir Path dataset, @TempDir Path out) throws Exception {
    writeRun(run, dataset, FusionMode.TEXT_ONLY, StageKind.TEXT_TO_IMAGE, w -> w);
    assertThatThrownBy(() -> ExportStage.export(options(run, "0b", out, "APPEND", dataset)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fusion mode APPEND needs")
        .hasMessageContaining(PROJECTION_WEIGHT)
        .hasMessageContaining("a run trained with TEXT_ONLY");
  }

  @Test
  void otherDifferencesBetweenStageAndArchitectureAreNotIgnored(
      @TempDir Path run, @TempDir Path dataset, @TempDir Path out) throws Exception {
    writeRun(run, dataset, FusionMode.APPEND, StageKind.TEXT_TO_IMAGE, weights -> {
      NDArray stray = weights.values().iterator().next().getManager().zeros(new Shape(3));
      stray.setName("unet.stray");
      weights.put("unet.stray", stray);
      weights.remove("unet.conv_in.bias");
      return weights;
    });
    assertThatThrownBy(() -> ExportStage.export(options(run, "0b", out.resolve("m"), "TEXT_ONLY", dataset)))
        .hasMessageContaining("do not match the model architecture")
        .hasMessageContaining("unexpected unet.stray")
        .hasMessageContaining("missing unet.conv_in.bias");
  }

  @Test
  void unfinishedStagesFullOutputsAndBadOptionsAreRefusedWithTheReason(
      @TempDir Path run, @TempDir Path dataset, @TempDir Path out) throws Exception {
    writeRun(run, dataset, FusionMode.APPEND, StageKind.TEXT_TO_IMAGE, w -> w);
    assertThatThrownBy(() -> ExportStage.export(options(run, "1-alignment", out.resolve("m"), null, dataset)))
        .hasMessageContaining("stage 1-alignment of run " + run + " has not finished")
        .hasMessageContaining("finished stages: [0b-text-to-image]");
    Files.writeString(out.resolve("keep.txt"), "x");
    assertThatThrownBy(() -> ExportStage.export(options(run, "0b", out, null, dataset)))
        .hasMessageContaining("is not empty; it must be a new or empty directory");
    assertThat(new TreeSet<>(List.of(out.toFile().list()))).containsExactly("keep.txt");
    assertThatThrownBy(() -> ExportStage.export(
            ExportStage.Options.parse("--run", run.toString(), "--stage", "0b", "--out", out.resolve("n").toString())))
        .hasMessageContaining("pass --dataset DIR");
    assertThatThrownBy(() -> options(run, "3", out, null, dataset))
        .hasMessageContaining("stage must be one of 0a-clip, 0b-text-to-image, 1-alignment, 2-fine-tuning");
    assertThatThrownBy(() -> options(run, "0b", out, "GRAPH", dataset))
        .hasMessageContaining("--fusion must be one of APPEND, INTERLEAVE, APPEND_LOCAL, APPEND_TRIPLES, TEXT_ONLY, got 'GRAPH'");
    assertThatThrownBy(() -> ExportStage.Options.parse("--run", "r", "--stage", "0b"))
        .hasMessageContaining("--run, --stage and --out are required");
  }
}
