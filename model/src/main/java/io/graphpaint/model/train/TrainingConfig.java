package io.graphpaint.model.train;

import io.graphpaint.model.losses.AlignmentLoss;
import io.graphpaint.model.losses.FineTuningLoss;

/**
 * The whole recipe: 0a -> 0b -> 1 -> 2, with the losses of the paper.
 *
 * @param seed run seed (data order, noise, dropout)
 * @param clipPretraining stage 0a
 * @param textToImage stage 0b
 * @param alignment stage 1
 * @param fineTuning stage 2
 * @param alignmentLoss {@code L_align = beta L_CLIP + (1 - beta) L_MMD} (stages 1 and 2)
 * @param adversarialWeight weight of the generator's GAN term in stage 1, >= 0
 * @param discriminatorOptimizer AdamW of the stage-1 discriminator
 * @param lambda stage-2 weight of {@code L_recon} against {@code L_align}, in [0, 1]
 * @param relationNegatives stage 0a also contrasts every image with its caption written for the
 *     graph with each relationship reversed (NegCLIP-style hard negatives: the same words, other
 *     relations), so CLIP, and the stage-1 alignment target with it, has to encode which object
 *     stands where; absent in older recipes, which read as false
 * @param labelDropout stage 2 only: probability, per sample, of masking out the label-text tokens of
 *     the condition, so the UNet denoises that sample from the graph tokens alone (the object
 *     labels are in those too) and cannot learn to leave them unread; sampling always gives both;
 *     in [0, 1), needs a fusion mode with graph tokens; absent in older recipes, which read as 0
 */
public record TrainingConfig(
    long seed,
    StageConfig clipPretraining,
    StageConfig textToImage,
    StageConfig alignment,
    StageConfig fineTuning,
    AlignmentLoss alignmentLoss,
    double adversarialWeight,
    OptimizerConfig discriminatorOptimizer,
    double lambda,
    boolean relationNegatives,
    double labelDropout) {

  public TrainingConfig {
    if (clipPretraining == null || textToImage == null || alignment == null || fineTuning == null) {
      throw new IllegalArgumentException("every stage (clipPretraining, textToImage, alignment, fineTuning) must be configured");
    }
    if (alignmentLoss == null || discriminatorOptimizer == null) {
      throw new IllegalArgumentException("alignmentLoss and discriminatorOptimizer must be set");
    }
    if (!(adversarialWeight >= 0) || Double.isInfinite(adversarialWeight)) {
      throw new IllegalArgumentException("adversarialWeight must be finite and >= 0, got " + adversarialWeight);
    }
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be within [0, 1], got " + lambda);
    }
    if (!(labelDropout >= 0 && labelDropout < 1)) {
      throw new IllegalArgumentException("labelDropout must be within [0, 1) (0 = off), got " + labelDropout);
    }
  }

  /**
   * Defaults for hours on two CPU cores; steps split as 2k CLIP, 12k text-to-image, 2k alignment,
   * 12k fine-tuning (multiply with {@link #scaledSteps}).
   */
  public static TrainingConfig defaults(long seed) {
    OptimizerConfig adam = OptimizerConfig.adam(1e-3).withWarmupSteps(200);
    return new TrainingConfig(
        seed,
        new StageConfig(2_000, 64, OptimizerConfig.adam(5e-4).withWarmupSteps(100).withWeightDecay(0.01), 0, 250),
        new StageConfig(12_000, 32, adam, 0.999, 250),
        new StageConfig(2_000, 64, OptimizerConfig.adam(5e-4).withWarmupSteps(100), 0, 250),
        new StageConfig(12_000, 32, OptimizerConfig.adam(5e-4).withWarmupSteps(200), 0.999, 250),
        AlignmentLoss.defaults(),
        0.1,
        OptimizerConfig.adam(2e-4).withWarmupSteps(0),
        FineTuningLoss.PAPER_LAMBDA,
        false,
        0);
  }

  public StageConfig stage(StageKind kind) {
    return switch (kind) {
      case CLIP_PRETRAINING -> clipPretraining;
      case TEXT_TO_IMAGE -> textToImage;
      case ALIGNMENT -> alignment;
      case FINE_TUNING -> fineTuning;
    };
  }

  /** The same recipe with stage 2's weight of L_recon against L_align set to {@code lambda}. */
  public TrainingConfig withLambda(double lambda) {
    return new TrainingConfig(seed, clipPretraining, textToImage, alignment, fineTuning, alignmentLoss,
        adversarialWeight, discriminatorOptimizer, lambda, relationNegatives, labelDropout);
  }

  /** The same recipe with stage 0a's relation hard negatives on or off. */
  public TrainingConfig withRelationNegatives(boolean on) {
    return new TrainingConfig(seed, clipPretraining, textToImage, alignment, fineTuning, alignmentLoss,
        adversarialWeight, discriminatorOptimizer, lambda, on, labelDropout);
  }

  /** The same recipe with stage 2's label dropout set to {@code probability}. */
  public TrainingConfig withLabelDropout(double probability) {
    return new TrainingConfig(seed, clipPretraining, textToImage, alignment, fineTuning, alignmentLoss,
        adversarialWeight, discriminatorOptimizer, lambda, relationNegatives, probability);
  }

  public TrainingConfig withStage(StageKind kind, StageConfig stage) {
    return new TrainingConfig(
        seed,
        kind == StageKind.CLIP_PRETRAINING ? stage : clipPretraining,
        kind == StageKind.TEXT_TO_IMAGE ? stage : textToImage,
        kind == StageKind.ALIGNMENT ? stage : alignment,
        kind == StageKind.FINE_TUNING ? stage : fineTuning,
        alignmentLoss, adversarialWeight, discriminatorOptimizer, lambda, relationNegatives, labelDropout);
  }

  /** Every stage's step count times {@code factor} (at least 1 step each). */
  public TrainingConfig scaledSteps(double factor) {
    TrainingConfig out = this;
    for (StageKind kind : StageKind.values()) {
      StageConfig stage = stage(kind);
      out = out.withStage(kind, stage.withSteps(Math.max(1, (int) Math.round(stage.steps() * factor))));
    }
    return out;
  }

  public FineTuningLoss fineTuningLoss() {
    return new FineTuningLoss(lambda, alignmentLoss);
  }
}
