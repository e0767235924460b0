package io.graphpaint.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.model.sampling.SamplingOptions;
import io.graphpaint.model.sampling.SamplingProgress;
import io.graphpaint.model.sampling.SamplingRequest;
import io.graphpaint.model.sampling.SceneGraphPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainRecipeTest {

  /** Thrown by a listener to cut a run short, as a kill would. */
  private static final class Interrupted extends RuntimeException {}

  @Test
  void runsAllStagesAndContinuesAfterAnInterruption(@TempDir Path dataset, @TempDir Path run) throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    // steps per stage: 2000, 12000, 2000, 12000 times 1/2000 -> 1, 6, 1, 6; checkpoints every 2
    String[] args = tinyRun(dataset, run);
    TrainRecipe.Options options = TrainRecipe.Options.parse(args);
    List<String> firstRun = new ArrayList<>();
    ProgressListener killAtFineTuningStep3 = progress -> {
      firstRun.add(progress.stage() + "@" + progress.step());
      if (progress.stage().equals(StageKind.FINE_TUNING.id()) && progress.step() == 3) {
        throw new Interrupted();
      }
    };
    assertThatThrownBy(() -> new TrainRecipe(options, List.of(killAtFineTuningStep3)).run()).isInstanceOf(Interrupted.class);
    assertThat(firstRun).contains("0a-clip@1", "0b-text-to-image@6", "1-alignment@1", "2-fine-tuning@3");
    assertThat(run.resolve("model")).doesNotExist();

    List<String> secondRun = new ArrayList<>();
    Path model = new TrainRecipe(options, List.of(p -> secondRun.add(p.stage() + "@" + p.step()))).run();
    // finished stages are not repeated; stage 2 continues after its checkpoint at step 2
    assertThat(secondRun).containsExactly("2-fine-tuning@3", "2-fine-tuning@4", "2-fine-tuning@5", "2-fine-tuning@6");
    assertThat(Files.readString(model.resolve("metrics.json"))).contains("0a-clip", "2-fine-tuning", "millisPerStep");
    try (NDManager manager = NDManager.newBaseManager();
        SceneGraphPipeline pipeline = SceneGraphPipeline.load(model, manager)) {
      var graph = io.graphpaint.model.data.SceneGraph.of(
          List.of("red circle", "blue square"), List.of(new io.graphpaint.model.data.Relationship(0, "left of", 1)));
      var images = pipeline.generate(List.of(new SamplingRequest(graph, 1, 1)), new SamplingOptions(2, 1.5, 0f, 1), SamplingProgress.NONE);
      assertThat(images.get(0).png()).isNotEmpty();
    }
  }

  /**
   * A stop requested while a stage runs ends it after the step in progress, with that step
   * checkpointed; the same run then continues from the next step.
   */
  @Test
  void aRequestedStopCheckpointsTheStepInProgressAndTheRunContinuesFromIt(@TempDir Path dataset, @TempDir Path run)
      throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    TrainRecipe.Options options = TrainRecipe.Options.parse(tinyRun(dataset, run));
    TrainRecipe[] recipe = new TrainRecipe[1];
    recipe[0] = new TrainRecipe(options, List.of(progress -> {
      if (progress.stage().equals(StageKind.TEXT_TO_IMAGE.id()) && progress.step() == 3) {
        recipe[0].requestStop();
      }
    }));
    assertThatThrownBy(() -> recipe[0].run()).isInstanceOfSatisfying(TrainRecipe.Stopped.class, stopped -> {
      assertThat(stopped.stage()).isEqualTo(StageKind.TEXT_TO_IMAGE);
      assertThat(stopped.step()).isEqualTo(3);
      assertThat(stopped.getMessage()).contains("stopped after step 3 of 6 of stage 0b-text-to-image");
    });
    // checkpoints every 2 steps, and one at step 3 where it stopped; the stage is not final
    Path stage = run.resolve("stages").resolve(StageKind.TEXT_TO_IMAGE.id());
    assertThat(new StageCheckpoints(stage, 2).latestStep()).contains(3L);
    assertThat(stage.resolve("final.safetensors")).doesNotExist();
    assertThat(run.resolve("model")).doesNotExist();

    List<String> second = new ArrayList<>();
    new TrainRecipe(options, List.of(p -> second.add(p.stage() + "@" + p.step()))).run();
    assertThat(second).startsWith("0b-text-to-image@4", "0b-text-to-image@5", "0b-text-to-image@6", "1-alignment@1");
  }

  /** SIGTERM to a training process: the step in progress is checkpointed and the JVM exits cleanly. */
  @Test
  void sigtermStopsATrainingProcessAfterItsStepWithACheckpoint(@TempDir Path dataset, @TempDir Path run)
      throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), TrainRecipe.class.getName()));
    // stage 0b long enough to be stopped in
    command.addAll(List.of(concat(tinyRun(dataset, run), "--extend", "0b=400", "--log-every", "1", "--threads", "1")));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      boolean signalled = false;
      while ((line = lines.readLine()) != null) {
        output.append(line).append('\n');
        if (!signalled && line.startsWith("[0b-text-to-image] step 3/")) {
          child.toHandle().destroy(); // SIGTERM (Process.destroy would also close the output being read)
          signalled = true;
        }
      }
    } finally {
      if (!child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    assertThat(output.toString()).contains("graphpaint training: stopped after step")
        .doesNotContain("A fatal error has been detected");
    assertThat(child.exitValue()).as(output.toString()).isEqualTo(143); // 128 + SIGTERM, after the hook
    long stoppedAt = new StageCheckpoints(run.resolve("stages").resolve(StageKind.TEXT_TO_IMAGE.id()), 2).latestStep()
        .orElseThrow();
    assertThat(stoppedAt).isBetween(3L, 399L);
    assertThat(output.toString()).contains("stopped after step " + stoppedAt + " of 400");
  }

  /**
   * A variant run on a base run's finished stages: it trains only stage 2, here in TEXT_ONLY
   * (whose model has no graph projection, so the base's fusion weights are left out) with lambda
   * 1, and its stage 2 starts from the base's stage-1 weights, not from scratch. A variant whose
   * fusion mode has a parameter the base's has not (APPEND_LOCAL's object projection, on an APPEND
   * base) starts it at its initial value, and stage 2 trains it.
   */
  @Test
  void aVariantRunTrainsOnlyStageTwoOnTheBaseRunsEarlierStages(@TempDir Path dataset, @TempDir Path base,
      @TempDir Path variant, @TempDir Path localVariant) throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    String[] baseArgs = tinyRun(dataset, base);
    new TrainRecipe(TrainRecipe.Options.parse(baseArgs), List.of()).run();
    String[] variantArgs = {
      "--dataset", dataset.toString(), "--run", variant.toString(), "--base", base.toString(),
      "--fusion", "TEXT_ONLY", "--lambda", "1", "--size", "tiny", "--seed", "5"
    };
    List<String> steps = new ArrayList<>();
    Path model = new TrainRecipe(TrainRecipe.Options.parse(variantArgs), List.of(p -> steps.add(p.stage() + "@" + p.step())))
        .run();
    assertThat(steps).containsExactly("2-fine-tuning@1", "2-fine-tuning@2", "2-fine-tuning@3", "2-fine-tuning@4",
        "2-fine-tuning@5", "2-fine-tuning@6");
    assertThat(Files.readString(variant.resolve("architecture.json"))).contains("TEXT_ONLY");
    assertThat(Files.readString(variant.resolve("training.json"))).contains("\"lambda\" : 1.0");
    assertThat(Files.readString(model.resolve("metrics.json"))).contains("fromBaseRun");
    assertThat(variant.resolve("stages").resolve(StageKind.ALIGNMENT.id())).doesNotExist();
    // the variant keeps its base: a later start without --base trains stage 2 on, not stage 0a afresh
    assertThat(Files.readString(variant.resolve(TrainRecipe.BASE_RUN)).strip())
        .isEqualTo(base.toAbsolutePath().normalize().toString());
    List<String> later = new ArrayList<>();
    new TrainRecipe(TrainRecipe.Options.parse("--dataset", dataset.toString(), "--run", variant.toString(), "--size",
        "tiny", "--seed", "5", "--extend", "2=8"), List.of(p -> later.add(p.stage() + "@" + p.step()))).run();
    assertThat(later).containsExactly("2-fine-tuning@7", "2-fine-tuning@8");
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(variantArgs, "--base",
            localVariant.toString())), List.of()).run())
        .hasMessageContaining("this run is a variant of the base run " + base.toAbsolutePath().normalize());
    // a --base that is not a run is refused by name and not recorded: the right one is taken after it
    Path notARun = Files.createDirectories(variant.resolve("not-a-run"));
    String[] mistyped = {"--dataset", dataset.toString(), "--run", variant.resolve("fresh").toString(), "--base",
        notARun.toString(), "--size", "tiny", "--seed", "5"};
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(mistyped), List.of()).run())
        .hasMessageContaining("is not a run directory");
    assertThat(variant.resolve("fresh").resolve(TrainRecipe.BASE_RUN)).doesNotExist();
    try (NDManager manager = NDManager.newBaseManager();
        SceneGraphPipeline pipeline = SceneGraphPipeline.load(model, manager)) {
      assertThat(pipeline.model().config().fusion().mode()).isEqualTo(io.graphpaint.model.fusion.FusionMode.TEXT_ONLY);
      // CLIP is frozen in stage 2: the variant's text tower is the base's stage-0a one
      var baseClip = io.graphpaint.model.checkpoint.SafetensorsFile.read(base.resolve("model").resolve("clip.safetensors"), manager);
      var variantClip = io.graphpaint.model.checkpoint.SafetensorsFile.read(model.resolve("clip.safetensors"), manager);
      assertThat(variantClip.keySet()).isEqualTo(baseClip.keySet());
      for (String name : baseClip.keySet()) {
        assertThat(variantClip.get(name).toFloatArray()).as(name).containsExactly(baseClip.get(name).toFloatArray());
      }
    }

    String[] localArgs = {
      "--dataset", dataset.toString(), "--run", localVariant.toString(), "--base", base.toString(),
      "--fusion", "APPEND_LOCAL", "--size", "tiny", "--seed", "5"
    };
    List<String> localSteps = new ArrayList<>();
    Path localModel = new TrainRecipe(TrainRecipe.Options.parse(localArgs),
        List.of(p -> localSteps.add(p.stage() + "@" + p.step()))).run();
    assertThat(localSteps).hasSize(6).allMatch(step -> step.startsWith("2-fine-tuning@"));
    try (NDManager manager = NDManager.newBaseManager()) {
      var baseFusion = io.graphpaint.model.checkpoint.SafetensorsFile.read(base.resolve("model").resolve("fusion.safetensors"), manager);
      var localFusion = io.graphpaint.model.checkpoint.SafetensorsFile.read(localModel.resolve("fusion.safetensors"), manager);
      assertThat(baseFusion.keySet()).noneMatch(name -> name.contains("objectProjection"));
      assertThat(localFusion.keySet()).containsAll(baseFusion.keySet()).anyMatch(name -> name.contains("objectProjection"));
    }

    // one token per triple: its projection starts at initialisation too, and the model loads and samples
    String[] tripleArgs = {
      "--dataset", dataset.toString(), "--run", localVariant.resolve("triples").toString(), "--base", base.toString(),
      "--fusion", "APPEND_TRIPLES", "--size", "tiny", "--seed", "5"
    };
    Path tripleModel = new TrainRecipe(TrainRecipe.Options.parse(tripleArgs), List.of()).run();
    try (NDManager manager = NDManager.newBaseManager();
        SceneGraphPipeline pipeline = SceneGraphPipeline.load(tripleModel, manager)) {
      assertThat(pipeline.model().config().fusion().mode()).isEqualTo(io.graphpaint.model.fusion.FusionMode.APPEND_TRIPLES);
      assertThat(pipeline.model().parameters().all()).containsKey("fusion.tripleProjection.weight");
      var graph = io.graphpaint.model.data.SceneGraph.of(List.of("red circle", "blue square"),
          List.of(new io.graphpaint.model.data.Relationship(0, "left of", 1)));
      assertThat(pipeline.generate(List.of(new io.graphpaint.model.sampling.SamplingRequest(graph, 3, 1)),
          pipeline.defaultOptions().withSteps(2), io.graphpaint.model.sampling.SamplingProgress.NONE)).hasSize(1);
    }
  }

  /** A new run started with --recipe trains with that file's steps, and keeps it as its training.json. */
  @Test
  void aRecipeFileSetsTheStagesOfANewRun(@TempDir Path dataset, @TempDir Path run, @TempDir Path files) throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    TrainingConfig recipe = TrainingConfig.defaults(9);
    int[] steps = {1, 2, 1, 3};
    for (StageKind kind : StageKind.values()) {
      recipe = recipe.withStage(kind, recipe.stage(kind).withSteps(steps[kind.ordinal()]).withBatchSize(2));
    }
    Path file = files.resolve("recipe.json");
    Files.write(file, TrainRecipe.JSON.writeValueAsBytes(recipe.withLambda(0.5)));
    List<String> seen = new ArrayList<>();
    new TrainRecipe(TrainRecipe.Options.parse("--dataset", dataset.toString(), "--run", run.toString(), "--recipe",
        file.toString(), "--size", "tiny", "--text-length", "32"), List.of(p -> seen.add(p.stage() + "@" + p.step()))).run();
    assertThat(seen).containsExactly("0a-clip@1", "0b-text-to-image@1", "0b-text-to-image@2", "1-alignment@1",
        "2-fine-tuning@1", "2-fine-tuning@2", "2-fine-tuning@3");
    assertThat(TrainRecipe.JSON.readValue(run.resolve("training.json").toFile(), TrainingConfig.class))
        .isEqualTo(recipe.withLambda(0.5));
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse("--dataset", dataset.toString(), "--run",
        files.resolve("other").toString(), "--recipe", files.resolve("missing.json").toString(), "--size", "tiny"),
        List.of()).run()).hasMessageContaining("--recipe").hasMessageContaining("is not a file");
  }

  /**
   * --guidance sets the model's default sampling guidance: recorded in the run, so a later start
   * without it keeps it; given to a finished run, it writes the model again without training, with
   * the same weights.
   */
  @Test
  void guidanceIsRecordedInTheRunAndRewritesAFinishedModel(@TempDir Path dataset, @TempDir Path run,
      @TempDir Path files) throws Exception {
    Path file = oneStepRecipe(dataset, files, 2);
    String[] common = {"--dataset", dataset.toString(), "--run", run.toString(), "--recipe", file.toString(),
        "--size", "tiny", "--text-length", "32"};
    Path model = new TrainRecipe(TrainRecipe.Options.parse(common), List.of()).run();
    assertThat(ModelDirectory.readConfig(model).sampling().guidanceScale()).isEqualTo(1.5);
    byte[] unet = Files.readAllBytes(model.resolve("unet.safetensors"));

    List<String> steps = new ArrayList<>();
    new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--guidance", "2.5")), List.of(p -> steps.add(p.stage()))).run();
    assertThat(steps).isEmpty();
    assertThat(ModelDirectory.readConfig(model).sampling().guidanceScale()).isEqualTo(2.5);
    assertThat(TrainRecipe.JSON.readTree(model.resolve("model.json").toFile()).at("/sampling/guidanceScale").asDouble())
        .isEqualTo(2.5);
    assertThat(Files.readAllBytes(model.resolve("unet.safetensors"))).isEqualTo(unet);

    new TrainRecipe(TrainRecipe.Options.parse(common), List.of()).run();
    assertThat(ModelDirectory.readConfig(model).sampling().guidanceScale()).isEqualTo(2.5);
    assertThatThrownBy(() -> TrainRecipe.Options.parse(concat(common, "--guidance", "31")))
        .hasMessageContaining("--guidance must be within [0, 30]");
  }

  /**
   * --extend on a finished run, growing stages 0b and 2: 0b reopens at its last checkpoint and
   * trains on; stage 2, trained on the old 0b, is not reopened but set aside and trained again from
   * its start to its new length on the new 0b and stage 1's graph encoder; the result, whether the
   * run goes through or is cut off between the two, is bit for bit the run planned that long.
   */
  @Test
  void extendingAFinishedStageEqualsARunPlannedThatLong(@TempDir Path dataset, @TempDir Path extended,
      @TempDir Path extendedInOneGo, @TempDir Path planned, @TempDir Path files) throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    TrainingConfig recipe = TrainingConfig.defaults(9);
    int[] steps = {1, 4, 2, 2};
    for (StageKind kind : StageKind.values()) {
      recipe = recipe.withStage(kind, recipe.stage(kind).withSteps(steps[kind.ordinal()]).withBatchSize(2)
          .withCheckpointEvery(2));
    }
    Path shortRecipe = files.resolve("short.json");
    Files.write(shortRecipe, TrainRecipe.JSON.writeValueAsBytes(recipe));
    Path longRecipe = files.resolve("long.json");
    TrainingConfig longer = recipe.withStage(StageKind.TEXT_TO_IMAGE, recipe.stage(StageKind.TEXT_TO_IMAGE).withSteps(6))
        .withStage(StageKind.FINE_TUNING, recipe.stage(StageKind.FINE_TUNING).withSteps(3));
    Files.write(longRecipe, TrainRecipe.JSON.writeValueAsBytes(longer));
    String[] common = {"--dataset", dataset.toString(), "--size", "tiny", "--text-length", "32", "--seed", "5"};

    for (Path run : List.of(extended, extendedInOneGo)) {
      new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", run.toString(), "--recipe", shortRecipe.toString())),
          List.of()).run();
    }
    Path alignment = TrainRecipe.stageDirectory(extended, StageKind.ALIGNMENT).resolve("final.safetensors");
    byte[] alignmentBefore = Files.readAllBytes(alignment);
    // the extended run is cut off after its first stage-2 step, before stage 2's first checkpoint,
    // and started again without --extend: stage 2 starts afresh from the finished stages, and must
    // take the new 0b's UNet, not the old one that stage 1's final weights still hold
    List<String> seen = new ArrayList<>();
    ProgressListener killAtFineTuningStep1 = p -> {
      seen.add(p.stage() + "@" + p.step());
      if (p.stage().equals(StageKind.FINE_TUNING.id()) && p.step() == 1) {
        throw new Interrupted();
      }
    };
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", extended.toString(),
        "--extend", "0b=6,2=3")), List.of(killAtFineTuningStep1)).run()).isInstanceOf(Interrupted.class);
    Path model = new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", extended.toString())),
        List.of(p -> seen.add(p.stage() + "@" + p.step()))).run();
    assertThat(seen).containsExactly("0b-text-to-image@5", "0b-text-to-image@6", "2-fine-tuning@1", "2-fine-tuning@1",
        "2-fine-tuning@2", "2-fine-tuning@3");
    assertThat(Files.readAllBytes(alignment)).isEqualTo(alignmentBefore);
    assertThat(extended.resolve("stages").resolve("2-fine-tuning.superseded").resolve("final.safetensors")).exists();
    assertThat(TrainRecipe.JSON.readValue(extended.resolve("training.json").toFile(), TrainingConfig.class)).isEqualTo(longer);

    Path straight = new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", planned.toString(), "--recipe",
        longRecipe.toString())), List.of()).run();
    // and the same extension run through without a stop
    Path inOneGo = new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", extendedInOneGo.toString(),
        "--extend", "0b=6,2=3")), List.of()).run();
    for (String component : List.of("unet", "graph_encoder", "fusion")) {
      String file = component + ".safetensors";
      assertThat(Files.readAllBytes(model.resolve(file))).as(file).isEqualTo(Files.readAllBytes(straight.resolve(file)));
      assertThat(Files.readAllBytes(inOneGo.resolve(file))).as(file).isEqualTo(Files.readAllBytes(straight.resolve(file)));
    }

    // a finished stage can only grow, and only from the checkpoint at its last step
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", extended.toString(),
        "--extend", "0b=3")), List.of()).run()).hasMessageContaining("would shorten the stage from 6 steps, but it has finished");
    Path stage1 = TrainRecipe.stageDirectory(extended, StageKind.ALIGNMENT);
    try (var checkpoints = Files.list(stage1)) {
      for (Path path : checkpoints.filter(p -> p.getFileName().toString().startsWith("step-")).toList()) {
        StageCheckpoints.deleteRecursively(path);
      }
    }
    Files.deleteIfExists(stage1.resolve("latest"));
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", extended.toString(),
        "--extend", "1=5")), List.of()).run()).hasMessageContaining("its checkpoint at step 2 is gone");
    assertThat(alignment).exists();
  }

  /**
   * A stage that has not trained past a smaller step count may be cut back to it: the run
   * continues from its checkpoint and finishes there; not below its latest checkpoint.
   */
  @Test
  void aStageNotYetPastASmallerCountCanBeCutBackToIt(@TempDir Path dataset, @TempDir Path run) throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    String[] args = tinyRun(dataset, run);
    ProgressListener killAtFineTuningStep3 = progress -> {
      if (progress.stage().equals(StageKind.FINE_TUNING.id()) && progress.step() == 3) {
        throw new Interrupted();
      }
    };
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(args), List.of(killAtFineTuningStep3)).run())
        .isInstanceOf(Interrupted.class);
    // stage 2 is planned for 6 steps and has its checkpoint at step 2
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(args, "--extend", "2=1")), List.of()).run())
        .hasMessageContaining("would shorten the stage from 6 steps, but it has a checkpoint at step 2");
    List<String> steps = new ArrayList<>();
    Path model = new TrainRecipe(TrainRecipe.Options.parse(concat(args, "--extend", "2=4")),
        List.of(p -> steps.add(p.stage() + "@" + p.step()))).run();
    assertThat(steps).containsExactly("2-fine-tuning@3", "2-fine-tuning@4");
    assertThat(TrainRecipe.JSON.readValue(run.resolve("training.json").toFile(), TrainingConfig.class)
        .stage(StageKind.FINE_TUNING).steps()).isEqualTo(4);
    assertThat(model.resolve("model.json")).exists();
  }

  /** A tiny run of the whole recipe: stages of 1, 6, 1 and 6 steps (2,000 / 12,000 / 2,000 / 12,000 x 1/2,000), checkpoints every 2. */
  /** Renders an 8-scene dataset into {@code dataset} and writes a recipe of one step per stage at {@code batch}. */
  private static Path oneStepRecipe(Path dataset, Path files, int batch) throws java.io.IOException {
    ShapesDatasets.make(ShapesConfig.defaults(3, 32, 8, 0, 0, 0), dataset);
    TrainingConfig recipe = TrainingConfig.defaults(9);
    for (StageKind kind : StageKind.values()) {
      recipe = recipe.withStage(kind, recipe.stage(kind).withSteps(1).withBatchSize(batch));
    }
    Path file = files.resolve("recipe.json");
    Files.write(file, TrainRecipe.JSON.writeValueAsBytes(recipe));
    return file;
  }

  private static String[] tinyRun(Path dataset, Path run) {
    return new String[] {
      "--dataset", dataset.toString(), "--run", run.toString(), "--steps-scale", "0.0005",
      "--checkpoint-every", "2", "--size", "tiny", "--text-length", "32", "--seed", "5"
    };
  }

  private static String[] concat(String[] first, String... more) {
    String[] out = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, out, first.length, more.length);
    return out;
  }

  @Test
  void optionsNameWhatIsWrong() {
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--extend", "0b"))
        .hasMessageContaining("--extend takes STAGE=STEPS");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--extend", "3=10"))
        .hasMessageContaining("stage must be one of");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--extend", "0b=5,0b-text-to-image=6"))
        .hasMessageContaining("names stage 0b-text-to-image twice");
    assertThat(TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--extend", "2=9, 0b=7").extend())
        .containsExactly(java.util.Map.entry(StageKind.TEXT_TO_IMAGE, 7), java.util.Map.entry(StageKind.FINE_TUNING, 9));
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--lambda", "1.5"))
        .hasMessageContaining("--lambda must be within [0, 1]");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--base", "r"))
        .hasMessageContaining("--base must be another run directory");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--fusion", "SIDEWAYS"))
        .hasMessageContaining("--fusion must be one of");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--guidance", "strong"))
        .hasMessageContaining("--guidance must be a number, got 'strong'");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--threads", "2.5"))
        .hasMessageContaining("--threads must be a whole number, got '2.5'");
    assertThat(TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--guidance", " 2 ").guidance()).isEqualTo(2.0);
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--run", "x")).hasMessageContaining("--dataset and --run are required");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--steps", "3"))
        .hasMessageContaining("unknown option --steps");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--size", "huge"))
        .hasMessageContaining("--size must be default or tiny");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--relation-negatives", "yes"))
        .hasMessageContaining("--relation-negatives must be true or false, got 'yes'");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--base", "b",
            "--relation-negatives", "true"))
        .hasMessageContaining("--relation-negatives changes stage 0a, which a run with --base takes from its base run");
    assertThat(TrainRecipe.Options.parse("--dataset", "d", "--run", "r").relationNegatives()).isNull();
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--label-dropout", "1"))
        .hasMessageContaining("--label-dropout must be within [0, 1)");
    assertThatThrownBy(() -> TrainRecipe.Options.parse("--dataset", "d", "--run", "r", "--label-dropout", "half"))
        .hasMessageContaining("--label-dropout must be a number, got 'half'");
    assertThat(TrainRecipe.Options.parse("--dataset", "d", "--run", "r").labelDropout()).isNull();
  }

  /**
   * --architecture starts a run with other sizes (here CLIP patches of 4 pixels instead of 8) on the
   * same data; a file that does not fit the data, or differs from a run's own, is refused by name.
   */
  @Test
  void anArchitectureFileSetsTheSizesOfANewRun(@TempDir Path dataset, @TempDir Path first, @TempDir Path second,
      @TempDir Path files) throws Exception {
    Path recipeFile = oneStepRecipe(dataset, files, 2);
    String[] common = {"--dataset", dataset.toString(), "--recipe", recipeFile.toString(), "--size", "tiny",
        "--text-length", "32"};
    new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", first.toString())), List.of()).run();
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        (com.fasterxml.jackson.databind.node.ObjectNode) TrainRecipe.JSON.readTree(first.resolve("architecture.json").toFile());
    assertThat(tree.at("/clip/vision_config/patch_size").asInt()).isEqualTo(8);
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.at("/clip/vision_config")).put("patch_size", 4);
    Path smallPatches = files.resolve("small-patches.json");
    Files.write(smallPatches, TrainRecipe.JSON.writeValueAsBytes(tree));

    String[] withFile = concat(common, "--run", second.toString(), "--architecture", smallPatches.toString());
    Path model = new TrainRecipe(TrainRecipe.Options.parse(withFile), List.of()).run();
    assertThat(ModelDirectory.readConfig(model).clip().vision().patchSize()).isEqualTo(4);
    try (NDManager manager = NDManager.newBaseManager();
        SceneGraphPipeline pipeline = SceneGraphPipeline.load(model, manager)) {
      var graph = io.graphpaint.model.data.SceneGraph.of(List.of("red circle", "blue square"), List.of());
      assertThat(pipeline.generate(List.of(new SamplingRequest(graph, 1, 1)), new SamplingOptions(2, 1.5, 0f, 1),
          SamplingProgress.NONE)).hasSize(1);
    }
    // the same file again continues the run; another one is refused
    new TrainRecipe(TrainRecipe.Options.parse(withFile), List.of()).run();
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run", second.toString(),
            "--architecture", first.resolve("architecture.json").toString())), List.of()).run())
        .hasMessageContaining("differs from the architecture this run was started with");

    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.at("/clip/text_config")).put("vocab_size", 99);
    Path wrongVocabulary = files.resolve("wrong-vocabulary.json");
    Files.write(wrongVocabulary, TrainRecipe.JSON.writeValueAsBytes(tree));
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--run",
            files.resolve("third").toString(), "--architecture", wrongVocabulary.toString())), List.of()).run())
        .hasMessageContaining("clip.text_config.vocab_size is 99 where the data needs")
        .hasMessageContaining("sizes (widths, depths, patch size, UNet channels) may differ");
    assertThatThrownBy(() -> TrainRecipe.Options.parse(concat(common, "--run", "r", "--base", "b", "--architecture", "a.json")))
        .hasMessageContaining("a run with --base has its base run's architecture");
  }

  /** A new run records --relation-negatives in its training.json; a later start may not change it. */
  @Test
  void relationNegativesAreRecordedAndKept(@TempDir Path dataset, @TempDir Path run, @TempDir Path files)
      throws Exception {
    Path file = oneStepRecipe(dataset, files, 4);
    String[] common = {"--dataset", dataset.toString(), "--run", run.toString(), "--recipe", file.toString(),
        "--size", "tiny", "--text-length", "32"};
    Path model = new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--relation-negatives", "true")), List.of()).run();
    assertThat(TrainRecipe.JSON.readTree(run.resolve("training.json").toFile()).get("relationNegatives").asBoolean()).isTrue();
    assertThat(TrainRecipe.JSON.readTree(model.resolve("metrics.json").toFile()).at("/0a-clip/finalLosses")
        .has("reversedPreference")).isTrue();
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--relation-negatives", "false")),
            List.of()).run())
        .hasMessageContaining("this run was started with relationNegatives true");
    // the same setting again, or none, continues the run
    new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--relation-negatives", "true")), List.of()).run();
  }

  /**
   * --label-dropout (and --lambda) are recorded in a new run's training.json and kept: another value
   * on a later start is refused, not silently ignored; label dropout with a fusion mode without graph
   * tokens is refused before the run records a recipe.
   * A recipe written before the setting existed reads as 0.
   */
  @Test
  void labelDropoutAndLambdaAreRecordedAndKept(@TempDir Path dataset, @TempDir Path run, @TempDir Path textOnly,
      @TempDir Path files) throws Exception {
    Path file = oneStepRecipe(dataset, files, 4);
    String[] common = {"--dataset", dataset.toString(), "--run", run.toString(), "--recipe", file.toString(),
        "--size", "tiny", "--text-length", "32", "--fusion", "APPEND_LOCAL"};
    Path model = new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--label-dropout", "0.5")), List.of()).run();
    assertThat(TrainRecipe.JSON.readTree(run.resolve("training.json").toFile()).get("labelDropout").asDouble())
        .isEqualTo(0.5);
    assertThat(TrainRecipe.JSON.readTree(model.resolve("metrics.json").toFile()).at("/2-fine-tuning/finalLosses")
        .has("recon")).isTrue();
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--label-dropout", "0.2")),
            List.of()).run())
        .hasMessageContaining("this run was started with labelDropout 0.5");
    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--lambda", "0.2")), List.of())
            .run())
        .hasMessageContaining("--lambda 0.2: this run was started with lambda 0.7");
    new TrainRecipe(TrainRecipe.Options.parse(concat(common, "--label-dropout", "0.5")), List.of()).run();

    assertThatThrownBy(() -> new TrainRecipe(TrainRecipe.Options.parse("--dataset", dataset.toString(), "--run",
            textOnly.toString(), "--recipe", file.toString(), "--size", "tiny", "--text-length", "32", "--fusion",
            "TEXT_ONLY", "--label-dropout", "0.5"), List.of()).run())
        .hasMessageContaining("TEXT_ONLY fusion has none");
    assertThat(textOnly.resolve("training.json")).doesNotExist();

    com.fasterxml.jackson.databind.node.ObjectNode older =
        (com.fasterxml.jackson.databind.node.ObjectNode) TrainRecipe.JSON.readTree(run.resolve("training.json").toFile());
    older.remove("labelDropout");
    assertThat(TrainRecipe.JSON.treeToValue(older, TrainingConfig.class).labelDropout()).isZero();
  }
}
