package io.graphpaint.model.clip;

/**
 * Sizes of a CLIP graphpaint trains from scratch (stage 0a); both towers share width, depth and
 * heads.
 *
 * @param width hidden size of both towers
 * @param layers transformer blocks per tower
 * @param heads attention heads (divides width)
 * @param mlpRatio MLP width / width
 * @param projectionDim joint embedding size
 * @param imageSize square input side
 * @param patchSize ViT patch side (divides imageSize)
 * @param activation MLP activation
 */
public record ClipSize(
    int width, int layers, int heads, int mlpRatio, int projectionDim, int imageSize, int patchSize,
    ClipActivation activation) {

  public ClipSize {
    ClipConfig.requirePositive("width", width);
    ClipConfig.requirePositive("layers", layers);
    ClipConfig.requirePositive("heads", heads);
    ClipConfig.requirePositive("mlpRatio", mlpRatio);
    ClipConfig.requirePositive("projectionDim", projectionDim);
    ClipConfig.requirePositive("imageSize", imageSize);
    ClipConfig.requirePositive("patchSize", patchSize);
    if (width % heads != 0) {
      throw new IllegalArgumentException("width " + width + " must be divisible by heads " + heads);
    }
    if (imageSize % patchSize != 0) {
      throw new IllegalArgumentException("imageSize " + imageSize + " must be a multiple of patchSize " + patchSize);
    }
    if (activation == null) {
      throw new IllegalArgumentException("activation is required");
    }
  }

  /** A CLIP that trains in minutes on two CPU cores: width 128, 4 layers, 32x32 images, 8x8 patches. */
  public static ClipSize small() {
    return new ClipSize(128, 4, 4, 4, 128, 32, 8, ClipActivation.QUICK_GELU);
  }

  /** The configuration for this size over a written word-level vocabulary. */
  public ClipConfig toConfig(WordLevelTokenizerWriter.Vocabulary vocabulary) {
    int mlp = width * mlpRatio;
    ClipTextConfig text =
        new ClipTextConfig(
            vocabulary.vocabSize(), width, mlp, layers, heads, vocabulary.maxLength(),
            activation.configName(), 1e-5, vocabulary.startId(), vocabulary.endId(),
            vocabulary.endId(), 0.02, 1.0);
    ClipVisionConfig vision =
        new ClipVisionConfig(width, mlp, layers, heads, 3, imageSize, patchSize, activation.configName(), 1e-5, 0.02, 1.0);
    return new ClipConfig(text, vision, projectionDim, 2.6592);
  }
}
