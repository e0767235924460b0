package io.graphpaint.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.SafetensorsFile;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** N steps + checkpoint + a fresh process resuming + N steps == 2N steps straight, loss for loss. */
class ResumeTest {

  private static final int N = 3;
  private static final TinyWorld WORLD = new TinyWorld(6, 9);

  private static TrainingConfig config() {
    OptimizerConfig adam = OptimizerConfig.adam(2e-3).withWarmupSteps(2);
    StageConfig stage = new StageConfig(2 * N, 4, adam, 0.9, N);
    TrainingConfig defaults = TrainingConfig.defaults(17);
    return new TrainingConfig(17, stage, stage, stage, stage, defaults.alignmentLoss(), 0.1,
        OptimizerConfig.adam(1e-3).withWarmupSteps(0), defaults.lambda(), false, 0);
  }

  private static List<Map<String, Float>> train(StageKind kind, Path directory, long stopAt, long initSeed) {
    Engine.getInstance().setRandomSeed((int) initSeed); // a resumed process may start from other weights
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = WORLD.model(manager);
        StageTrainer trainer = new StageTrainer(kind, model, WORLD.data, config(), manager)) {
      return trainer.loop(new StageCheckpoints(directory, 2), List.of()).run(manager, stopAt).losses();
    }
  }

  @ParameterizedTest
  @EnumSource(value = StageKind.class, names = {"ALIGNMENT", "FINE_TUNING"})
  void resumedRunRepeatsTheUninterruptedOne(StageKind kind, @TempDir Path straight, @TempDir Path interrupted) {
    List<Map<String, Float>> uninterrupted = train(kind, straight, 2 * N, 1);
    List<Map<String, Float>> firstHalf = train(kind, interrupted, N, 1);
    List<Map<String, Float>> secondHalf = train(kind, interrupted, 2 * N, 999);
    List<Map<String, Float>> resumed = new ArrayList<>(firstHalf);
    resumed.addAll(secondHalf);
    assertThat(firstHalf).hasSize(N);
    assertThat(secondHalf).hasSize(N);
    assertThat(resumed).isEqualTo(uninterrupted);
    assertThat(new StageCheckpoints(interrupted, 2).latestStep()).contains((long) 2 * N);
    // the final checkpoints agree tensor for tensor: weights, optimizer moments and the EMA
    String last = String.format("step-%08d", 2 * N);
    List<String> files = new ArrayList<>(List.of("weights.safetensors", "optimizer-model.safetensors"));
    if (kind == StageKind.FINE_TUNING) {
      files.add("ema.safetensors");
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      for (String file : files) {
        Map<String, NDArray> a = SafetensorsFile.read(straight.resolve(last).resolve(file), manager);
        Map<String, NDArray> b = SafetensorsFile.read(interrupted.resolve(last).resolve(file), manager);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String name : a.keySet()) {
          assertThat(a.get(name).contentEquals(b.get(name))).as("%s %s", file, name).isTrue();
        }
      }
    }
  }
}
