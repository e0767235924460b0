package io.graphpaint.model.train;

/**
 * How long and how one stage trains.
 *
 * @param steps optimizer steps, >= 0 (0 skips the stage)
 * @param batchSize samples per step, >= 2 (MMD and contrastive losses need pairs)
 * @param optimizer AdamW settings of the stage's model parameters
 * @param emaDecay UNet EMA decay in [0, 1); 0 keeps no EMA
 * @param checkpointEvery steps between checkpoints, >= 1
 */
public record StageConfig(int steps, int batchSize, OptimizerConfig optimizer, double emaDecay, int checkpointEvery) {

  public StageConfig {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (batchSize < 2 || batchSize > 4096) {
      throw new IllegalArgumentException("batchSize must be within [2, 4096], got " + batchSize);
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer must be set");
    }
    if (!(emaDecay >= 0 && emaDecay < 1)) {
      throw new IllegalArgumentException("emaDecay must be within [0, 1), got " + emaDecay);
    }
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("checkpointEvery must be >= 1, got " + checkpointEvery);
    }
  }

  public StageConfig withSteps(int newSteps) {
    return new StageConfig(newSteps, batchSize, optimizer, emaDecay, checkpointEvery);
  }

  public StageConfig withCheckpointEvery(int every) {
    return new StageConfig(steps, batchSize, optimizer, emaDecay, every);
  }

  public StageConfig withBatchSize(int size) {
    return new StageConfig(steps, size, optimizer, emaDecay, checkpointEvery);
  }

  public StageConfig withOptimizer(OptimizerConfig newOptimizer) {
    return new StageConfig(steps, batchSize, newOptimizer, emaDecay, checkpointEvery);
  }
}
