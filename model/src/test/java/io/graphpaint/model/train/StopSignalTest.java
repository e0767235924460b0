package io.graphpaint.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop signal ends a run after the current step with a checkpoint there (between the regular
 * ones), the save listener hears of every checkpoint, and a run resumed from it repeats the
 * uninterrupted one; all on a thread other than the one that started the engine.
 */
class StopSignalTest {

  private static final TinyWorld WORLD = new TinyWorld(6, 9);

  private static TrainingConfig config() {
    OptimizerConfig adam = OptimizerConfig.adam(2e-3).withWarmupSteps(2);
    StageConfig stage = new StageConfig(6, 4, adam, 0.9, 3);
    TrainingConfig defaults = TrainingConfig.defaults(17);
    return new TrainingConfig(17, stage, stage, stage, stage, defaults.alignmentLoss(), 0.1,
        OptimizerConfig.adam(1e-3).withWarmupSteps(0), defaults.lambda(), false, 0);
  }

  private record Run(List<Map<String, Float>> losses, long lastStep) {}

  private static Run train(Path directory, long stopAfter, List<Long> saved) throws Exception {
    // a fresh thread each time: PyTorch's grad mode is per thread
    return CompletableFuture.supplyAsync(() -> {
      Engine.getInstance().setRandomSeed(1);
      AtomicLong steps = new AtomicLong();
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = WORLD.model(manager);
          StageTrainer session = new StageTrainer(StageKind.ALIGNMENT, model, WORLD.data, config(), manager)) {
        StageCheckpoints checkpoints = new StageCheckpoints(directory, 2, (stage, step, dir) -> saved.add(step));
        TrainingLoop.Result result = session.loop(checkpoints, List.of(p -> steps.set(p.step())))
            .run(manager, Long.MAX_VALUE, () -> steps.get() >= stopAfter);
        return new Run(result.losses(), result.lastStep());
      }
    }, runnable -> new Thread(runnable, "training-elsewhere").start()).get();
  }

  @Test
  void stoppedRunLeavesACheckpointAndResumesExactly(@TempDir Path straight, @TempDir Path interrupted) throws Exception {
    List<Long> savedStraight = new ArrayList<>();
    Run uninterrupted = train(straight, Long.MAX_VALUE, savedStraight);
    assertThat(uninterrupted.lastStep()).isEqualTo(6);
    assertThat(savedStraight).containsExactly(3L, 6L);

    List<Long> saved = new ArrayList<>();
    Run stopped = train(interrupted, 2, saved);
    assertThat(stopped.lastStep()).isEqualTo(2);
    assertThat(stopped.losses()).hasSize(2);
    assertThat(saved).containsExactly(2L);
    assertThat(new StageCheckpoints(interrupted, 2).latestStep()).contains(2L);

    Run rest = train(interrupted, Long.MAX_VALUE, saved);
    assertThat(saved).containsExactly(2L, 3L, 6L);
    List<Map<String, Float>> resumed = new ArrayList<>(stopped.losses());
    resumed.addAll(rest.losses());
    assertThat(resumed).isEqualTo(uninterrupted.losses());
  }
}
