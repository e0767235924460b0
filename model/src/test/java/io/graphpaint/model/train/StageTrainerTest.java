package io.graphpaint.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.diffusion.PredictionType;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.fusion.FusionMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StageTrainerTest {

  private static final TinyWorld WORLD = new TinyWorld(6, 5);

  static TrainingConfig config(int batch, double learningRate) {
    OptimizerConfig adam = OptimizerConfig.adam(learningRate).withWarmupSteps(5);
    TrainingConfig defaults = TrainingConfig.defaults(11);
    StageConfig stage = new StageConfig(10, batch, adam, 0.9, 1000);
    return new TrainingConfig(11, stage, stage, stage, stage, defaults.alignmentLoss(), 0.1,
        OptimizerConfig.adam(learningRate).withWarmupSteps(0), defaults.lambda(), false, 0);
  }

  /** Every trainable parameter gets a non-zero gradient in one step (no dead parameters). */
  @ParameterizedTest
  @EnumSource(StageKind.class)
  void everyTrainableParameterReceivesGradient(StageKind kind) {
    Engine.getInstance().setRandomSeed(3);
    // local tokens and frequent condition dropout so that every fusion parameter takes part
    ModelConfig modelConfig = WORLD.config.withFusion(
        WORLD.config.fusion().withMode(FusionMode.APPEND_LOCAL).withConditionDropout(0.5));
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = WORLD.model(manager, modelConfig);
        StageTrainer trainer = new StageTrainer(kind, model, WORLD.data, config(6, 1e-3), manager)) {
      trainer.optimizers().values().forEach(optimizer -> optimizer.trackZeroGradients(true));
      Map<String, float[]> before = new LinkedHashMap<>();
      trainer.trainableParameters().forEach((name, p) -> before.put(name, p.getArray().toFloatArray()));
      Engine.getInstance().setRandomSeed(TrainingLoop.stepSeed(11, 0));
      try (NDManager stepManager = manager.newSubManager()) {
        trainer.step(0, stepManager);
      }
      trainer.optimizers().forEach((name, optimizer) ->
          assertThat(optimizer.lastZeroGradients()).as("%s parameters of %s without gradient", name, kind).isEmpty());
      assertThat(trainer.optimizers().get("model").updates()).isEqualTo(1);
      List<String> unchanged = new ArrayList<>();
      trainer.trainableParameters().forEach((name, p) -> {
        if (java.util.Arrays.equals(before.get(name), p.getArray().toFloatArray())) {
          unchanged.add(name);
        }
      });
      // an update may round away on a weight whose gradient is tiny, but most must move
      assertThat(unchanged.size()).isLessThan(before.size() / 4);
      for (String component : kind.trainedComponents()) {
        assertThat(trainer.trainableParameters().keySet().stream().anyMatch(name -> name.startsWith(component + "."))
            || !trainer.discriminatorParameters().isEmpty()).isTrue();
      }
      if (kind == StageKind.ALIGNMENT) {
        assertThat(trainer.optimizers()).containsKey("discriminator");
      }
    }
  }

  /**
   * Stage 2 with one token per triple trains the triple projection and the graph encoder through it:
   * every stage-2 parameter gets a gradient, and the projection's weights move.
   */
  @org.junit.jupiter.api.Test
  void tripleTokensTrainTheirProjectionInStageTwo() {
    Engine.getInstance().setRandomSeed(3);
    ModelConfig triples = WORLD.config.withFusion(
        WORLD.config.fusion().withMode(FusionMode.APPEND_TRIPLES).withConditionDropout(0.5));
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = WORLD.model(manager, triples);
        StageTrainer trainer = new StageTrainer(StageKind.FINE_TUNING, model, WORLD.data, config(6, 1e-3), manager)) {
      trainer.optimizers().values().forEach(optimizer -> optimizer.trackZeroGradients(true));
      String projection = GraphPaintModel.FUSION + ".tripleProjection.weight";
      assertThat(trainer.trainableParameters()).containsKey(projection)
          .doesNotContainKey(GraphPaintModel.FUSION + ".objectProjection.weight");
      float[] before = trainer.trainableParameters().get(projection).getArray().toFloatArray();
      Engine.getInstance().setRandomSeed(TrainingLoop.stepSeed(11, 0));
      try (NDManager stepManager = manager.newSubManager()) {
        trainer.step(0, stepManager);
      }
      assertThat(trainer.optimizers().get("model").lastZeroGradients()).isEmpty();
      assertThat(trainer.trainableParameters().get(projection).getArray().toFloatArray()).isNotEqualTo(before);
    }
  }

  /** Each stage fits one tiny batch: its main loss falls at least tenfold (threefold for a v-prediction denoiser). */
  @ParameterizedTest
  @EnumSource(StageKind.class)
  void overfitsATinyBatch(StageKind kind) {
    Engine.getInstance().setRandomSeed(4);
    int steps = switch (kind) {
      case CLIP_PRETRAINING -> 80;
      case ALIGNMENT -> 120;
      default -> 300;
    };
    TrainingConfig training = config(4, kind == StageKind.CLIP_PRETRAINING ? 3e-3 : 5e-3);
    training = training.withStage(kind, training.stage(kind).withSteps(steps));
    TinyWorld world = new TinyWorld(4, 6);
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = world.model(manager);
        StageTrainer trainer = new StageTrainer(kind, model, world.data, training, manager)) {
      TrainingLoop.Result result = trainer.loop(null, List.of()).run(manager);
      List<Double> main = new ArrayList<>();
      for (Map<String, Float> losses : result.losses()) {
        main.add(kind == StageKind.ALIGNMENT
            ? training.alignmentLoss().beta() * losses.get("clip") + (1 - training.alignmentLoss().beta()) * losses.get("mmd")
            : losses.get("loss"));
      }
      double first = main.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
      double last = main.subList(main.size() - 20, main.size()).stream().mapToDouble(d -> d).average().orElseThrow();
      System.out.printf("%s: first %.5f last %.5f (%.1fx) in %d steps, %.1f ms/step%n",
          kind, first, last, first / last, steps, result.millisPerStep());
      // v-prediction's target holds -x_0 at high noise, which a 300-step fit of 4 scenes does not
      // memorise, so the diffusion losses keep a floor that the noise target (eps) does not have
      boolean velocity = model.config().noiseSchedule().predictionType() == PredictionType.V_PREDICTION
          && (kind == StageKind.TEXT_TO_IMAGE || kind == StageKind.FINE_TUNING);
      assertThat(last).as("%s loss from %.4f", kind, first).isLessThan(first / (velocity ? 3 : 10));
    }
  }

  /**
   * Stage 0a with relation negatives: every image also weighs the reversed captions (its first loss,
   * from the same weights, is above the plain one), it fits them apart (a tiny CLIP on eight
   * scenes prefers each image's own caption, as ClipRelations measures it), and it logs the batch's
   * preference.
   */
  @org.junit.jupiter.api.Test
  void relationNegativesTeachClipWhichWayARelationPoints() {
    TinyWorld world = new TinyWorld(8, 7);
    Map<Boolean, Float> firstLoss = new LinkedHashMap<>();
    double preference = 0;
    for (boolean negatives : new boolean[] {false, true}) {
      Engine.getInstance().setRandomSeed(5);
      TrainingConfig training = config(8, 3e-3).withRelationNegatives(negatives);
      training = training.withStage(StageKind.CLIP_PRETRAINING, training.stage(StageKind.CLIP_PRETRAINING).withSteps(
          negatives ? 150 : 1));
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = world.model(manager);
          StageTrainer trainer = new StageTrainer(StageKind.CLIP_PRETRAINING, model, world.data, training, manager)) {
        TrainingLoop.Result result = trainer.loop(null, List.of()).run(manager);
        firstLoss.put(negatives, result.losses().get(0).get("loss"));
        Map<String, Float> last = result.losses().get(result.losses().size() - 1);
        assertThat(last.containsKey("reversedPreference")).isEqualTo(negatives);
        if (negatives) {
          assertThat(last.get("reversedPreference")).isEqualTo(1f);
          preference = io.graphpaint.model.eval.ClipRelations.measure(model.clip(), model.tokenizer(),
              world.graphs, world.images, manager).get("clip_reversed_caption_preference");
        }
      }
    }
    assertThat(firstLoss.get(true)).isGreaterThan(firstLoss.get(false) + 0.1f);
    assertThat(preference).isGreaterThanOrEqualTo(0.85);
  }

  /** A dataset whose captions are not written from its graphs cannot be given reversed captions: refused before training. */
  @org.junit.jupiter.api.Test
  void relationNegativesRefuseCaptionsNotWrittenFromTheGraph() {
    TinyWorld world = new TinyWorld(3, 8);
    List<String> captions = new ArrayList<>(world.data.captions());
    captions.set(1, "a photo of some shapes");
    TrainingData data = TrainingData.of(world.images, world.graphs, captions, world.vocabulary);
    try (NDManager manager = NDManager.newBaseManager(); GraphPaintModel model = world.model(manager)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StageTrainer(StageKind.CLIP_PRETRAINING, model, data,
              config(3, 1e-3).withRelationNegatives(true), manager))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sample 1's caption 'a photo of some shapes'")
          .hasMessageContaining("without relationNegatives");
      // without relation negatives the same data trains as before
      new StageTrainer(StageKind.CLIP_PRETRAINING, model, data, config(3, 1e-3), manager).close();
    }
  }

  /**
   * Stage 2 with label dropout conditions the step on fewer text tokens (its loss from the same
   * weights, data and seed differs from the step without it), still trains every stage-2 parameter,
   * and is refused for a fusion mode without graph tokens.
   */
  @org.junit.jupiter.api.Test
  void labelDropoutReachesTheFineTuningStep() {
    // frequent condition dropout so that the null token takes part too
    ModelConfig local = WORLD.config.withFusion(
        WORLD.config.fusion().withMode(FusionMode.APPEND_LOCAL).withConditionDropout(0.5));
    Map<Double, Float> recon = new LinkedHashMap<>();
    for (double p : new double[] {0, 0.9}) {
      Engine.getInstance().setRandomSeed(3);
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = WORLD.model(manager, local);
          StageTrainer trainer = new StageTrainer(StageKind.FINE_TUNING, model, WORLD.data,
              config(6, 1e-3).withLabelDropout(p), manager)) {
        trainer.optimizers().values().forEach(optimizer -> optimizer.trackZeroGradients(true));
        Engine.getInstance().setRandomSeed(TrainingLoop.stepSeed(11, 0));
        try (NDManager stepManager = manager.newSubManager()) {
          recon.put(p, trainer.step(0, stepManager).get("recon"));
        }
        assertThat(trainer.optimizers().get("model").lastZeroGradients()).as("without gradient at p = %s", p).isEmpty();
      }
    }
    assertThat(recon.get(0.9)).isNotEqualTo(recon.get(0.0));

    ModelConfig textOnly = WORLD.config.withFusion(WORLD.config.fusion().withMode(FusionMode.TEXT_ONLY));
    try (NDManager manager = NDManager.newBaseManager(); GraphPaintModel model = WORLD.model(manager, textOnly)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StageTrainer(StageKind.FINE_TUNING, model, WORLD.data,
              config(6, 1e-3).withLabelDropout(0.5), manager))
          .hasMessageContaining("TEXT_ONLY fusion has none");
    }
  }
}
