package io.graphpaint.trainingworker;

import io.graphpaint.model.checkpoint.SamplingDefaults;
import java.time.Duration;

/**
 * The budgets and sizes of one training job.
 *
 * @param maxSteps steps of stage 1 and stage 2 together, >= 2
 * @param alignmentFraction share of steps and wall time for stage 1, in [0, 1]
 * @param maxWallTime wall-time budget of the training, restarts included
 * @param batchSize samples per step, >= 2
 * @param learningRate AdamW learning rate of both stages
 * @param seed seed of data order, noise and evaluation
 * @param checkpointEvery steps between checkpoints
 * @param checkpointKeep checkpoints kept per job in the object store
 * @param maxSamples most training samples read
 * @param validationSplit manifest split evaluated
 * @param evalSamples validation graphs sampled per model
 * @param evalSteps DDIM steps of evaluation sampling
 * @param evalGuidance guidance scale of evaluation sampling, in [0, 30]; null for each model's own
 * @param evalFeatures feature space of FID: clip or pixels
 * @param progressEvery steps between RUNNING statuses
 * @param gate the promotion rule
 */
public record JobSettings(
    int maxSteps,
    double alignmentFraction,
    Duration maxWallTime,
    int batchSize,
    double learningRate,
    long seed,
    int checkpointEvery,
    int checkpointKeep,
    int maxSamples,
    String validationSplit,
    int evalSamples,
    int evalSteps,
    Double evalGuidance,
    String evalFeatures,
    int progressEvery,
    PromotionGate gate) {

  public JobSettings {
    if (maxSteps < 2) {
      throw new IllegalArgumentException("maxSteps must be >= 2, got " + maxSteps);
    }
    if (!(alignmentFraction >= 0 && alignmentFraction <= 1)) {
      throw new IllegalArgumentException("alignmentFraction must be within [0, 1], got " + alignmentFraction);
    }
    if (maxWallTime == null || maxWallTime.isNegative() || maxWallTime.isZero()) {
      throw new IllegalArgumentException("maxWallTime must be positive, got " + maxWallTime);
    }
    if (batchSize < 2) {
      throw new IllegalArgumentException("batchSize must be >= 2 (the alignment losses need pairs), got " + batchSize);
    }
    if (checkpointEvery < 1 || checkpointKeep < 1 || maxSamples < 1 || evalSamples < 2 || evalSteps < 1 || progressEvery < 1) {
      throw new IllegalArgumentException("checkpointEvery, checkpointKeep, maxSamples, evalSteps and progressEvery must be >= 1"
          + " and evalSamples >= 2");
    }
    if (evalGuidance != null) {
      SamplingDefaults.requireGuidanceScale("evalGuidance", evalGuidance);
    }
    if (!"clip".equals(evalFeatures) && !"pixels".equals(evalFeatures)) {
      throw new IllegalArgumentException("evalFeatures must be clip or pixels, got " + evalFeatures);
    }
    if (gate == null) {
      throw new IllegalArgumentException("gate must be set");
    }
  }

  /** Steps of stage 1 (alignment). */
  public int alignmentSteps() {
    return (int) Math.round(maxSteps * alignmentFraction);
  }

  /** Steps of stage 2 (fine-tuning). */
  public int fineTuningSteps() {
    return maxSteps - alignmentSteps();
  }
}
