package io.graphpaint.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.NamedParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Runs a {@link TrainingStep} for a stage's steps with what every stage needs: the engine's
 * random generator seeded from (seed, step) before each step, a sub-manager per step, progress
 * after each step, a checkpoint every N steps and at the end, and automatic resume from the last
 * checkpoint. Because each step's randomness and data depend only on its number, N steps + resume
 * + N steps give the same losses as 2N steps straight.
 */
public final class TrainingLoop {

  /**
   * @param stage stage name, e.g. {@code 2-finetune}
   * @param totalSteps steps in the stage, >= 1
   * @param batchSize samples per step (for samples/s)
   * @param seed the run's seed
   * @param checkpointEvery steps between checkpoints, >= 1
   */
  public record Settings(String stage, long totalSteps, int batchSize, long seed, int checkpointEvery) {

    public Settings {
      if (stage == null || stage.isBlank()) {
        throw new IllegalArgumentException("stage must be named");
      }
      if (totalSteps < 1) {
        throw new IllegalArgumentException("totalSteps must be >= 1, got " + totalSteps);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
      }
      if (checkpointEvery < 1) {
        throw new IllegalArgumentException("checkpointEvery must be >= 1, got " + checkpointEvery);
      }
    }
  }

  /** What a run of the loop did. */
  public record Result(long firstStep, long lastStep, List<Map<String, Float>> losses, long skippedSteps, double millisPerStep) {}

  private final Settings settings;
  private final NamedParameters parameters;
  private final Map<String, AdamW> optimizers;
  private final ExponentialMovingAverage ema;
  private final TrainingStep step;
  private final StageCheckpoints checkpoints;
  private final List<ProgressListener> listeners;

  /**
   * @param parameters everything the checkpoint saves and restores
   * @param optimizers the stage's optimizers by name (saved with the checkpoint)
   * @param ema may be null
   * @param checkpoints may be null for a run without checkpoints
   */
  public TrainingLoop(
      Settings settings,
      NamedParameters parameters,
      Map<String, AdamW> optimizers,
      ExponentialMovingAverage ema,
      TrainingStep step,
      StageCheckpoints checkpoints,
      List<ProgressListener> listeners) {
    this.settings = settings;
    this.parameters = parameters;
    this.optimizers = new LinkedHashMap<>(optimizers);
    this.ema = ema;
    this.step = step;
    this.checkpoints = checkpoints;
    this.listeners = List.copyOf(listeners);
  }

  /** The engine seed of a step: a mix of the run seed and the step number. */
  public static int stepSeed(long seed, long step) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step).nextInt() & 0x7fffffff;
  }

  /** Runs up to {@code settings.totalSteps()}, resuming from the last checkpoint if there is one. */
  public Result run(NDManager manager) {
    return run(manager, settings.totalSteps());
  }

  /**
   * Runs until step {@code stopAt} (exclusive; at most totalSteps), resuming first. Stopping early
   * leaves a checkpoint at {@code stopAt}, as an interrupted run would at a checkpoint boundary.
   */
  public Result run(NDManager manager, long stopAt) {
    return run(manager, stopAt, () -> false);
  }

  /**
   * As {@link #run(NDManager, long)}, and also stops after any step at which {@code stop} answers
   * true (a wall-time budget, a cancellation), leaving a checkpoint at that step; the result's
   * {@code lastStep} is then the last step done.
   */
  public Result run(NDManager manager, long stopAt, BooleanSupplier stop) {
    long end = Math.min(stopAt, settings.totalSteps());
    noGradientRecording();
    long start = 0;
    if (checkpoints != null) {
      Optional<Long> latest = checkpoints.latestStep();
      if (latest.isPresent()) {
        start = latest.get();
        checkpoints.restore(start, parameters, optimizers, ema, manager);
      }
    }
    List<Map<String, Float>> losses = new ArrayList<>();
    long began = System.nanoTime();
    for (long current = start; current < end; current++) {
      Engine.getInstance().setRandomSeed(stepSeed(settings.seed(), current));
      Map<String, Float> stepLosses;
      try (NDManager stepManager = manager.newSubManager()) {
        stepLosses = step.run(current, stepManager);
      }
      losses.add(stepLosses);
      long done = current + 1;
      double millisPerStep = (System.nanoTime() - began) / 1e6 / (done - start);
      TrainingProgress progress =
          new TrainingProgress(
              settings.stage(),
              done,
              settings.totalSteps(),
              stepLosses,
              millisPerStep,
              settings.batchSize() * 1000.0 / millisPerStep,
              Duration.ofMillis((long) (millisPerStep * (settings.totalSteps() - done))),
              skipped());
      for (ProgressListener listener : listeners) {
        listener.onProgress(progress);
      }
      boolean stopping = done < end && stop.getAsBoolean();
      if (checkpoints != null && (done % settings.checkpointEvery() == 0 || done == end || stopping)) {
        checkpoints.save(settings.stage(), done, parameters, optimizers, ema, manager);
      }
      if (stopping) {
        end = done;
      }
    }
    double millisPerStep = end > start ? (System.nanoTime() - began) / 1e6 / (end - start) : 0;
    return new Result(start, end, losses, skipped(), millisPerStep);
  }

  /**
   * PyTorch's grad mode is per thread and on by default; DJL turns it off only on the thread that
   * started the engine, and a GradientCollector restores whatever it found. On any other thread
   * the optimizer's in-place updates of leaf weights would fail ("a leaf Variable that requires
   * grad is being used in an in-place operation"), so the loop turns recording off for its thread.
   */
  public static void noGradientRecording() {
    io.graphpaint.model.nn.GradientRecording.disableOnThisThread();
  }

  private long skipped() {
    return optimizers.values().stream().mapToLong(AdamW::skipped).sum();
  }
}
