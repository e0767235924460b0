package io.graphpaint.model.checkpoint;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.graphpaint.model.clip.ClipConfig;
import io.graphpaint.model.clip.ClipTextConfig;
import io.graphpaint.model.clip.ClipVisionConfig;
import io.graphpaint.model.clip.WordLevelTokenizerWriter;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.diffusion.NoiseScheduleConfig;
import io.graphpaint.model.diffusion.UNetConfig;
import io.graphpaint.model.fusion.FusionConfig;
import io.graphpaint.model.fusion.FusionMode;
import io.graphpaint.model.graph.GraphEncoderConfig;
import io.graphpaint.model.losses.EmbeddingDiscriminator;
import java.util.List;
import java.util.Set;

/**
 * The architecture of a graphpaint model: every component's configuration, checked for the sizes
 * that must agree. The graph encoder's global vector lives in CLIP's embedding space (stage 1
 * aligns them), so its width is CLIP's projection size; the fusion maps graph vectors to the
 * text tower's width, which is the UNet's condition width.
 *
 * @param clip CLIP (text and vision towers)
 * @param graphEncoder the scene-graph encoder
 * @param unet the denoiser
 * @param fusion how S_cond is built
 * @param noiseSchedule training and sampling noise schedule
 * @param discriminator stage-1 discriminator (training only)
 * @param sampling default sampling settings
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelConfig(
    ClipConfig clip,
    GraphEncoderConfig graphEncoder,
    UNetConfig unet,
    FusionConfig fusion,
    NoiseScheduleConfig noiseSchedule,
    EmbeddingDiscriminator.Config discriminator,
    SamplingDefaults sampling) {

  public ModelConfig {
    if (clip == null || graphEncoder == null || unet == null || fusion == null
        || noiseSchedule == null || discriminator == null || sampling == null) {
      throw new IllegalArgumentException(
          "clip, graphEncoder, unet, fusion, noiseSchedule, discriminator and sampling are all required");
    }
    requireEqual("graphEncoder.embedDim", graphEncoder.embedDim(), "clip.projectionDim", clip.projectionDim());
    requireEqual("fusion.textSize", fusion.textSize(), "clip.text.hiddenSize", clip.text().hiddenSize());
    requireEqual("fusion.graphSize", fusion.graphSize(), "graphEncoder.embedDim", graphEncoder.embedDim());
    requireEqual("unet.conditionDim", unet.conditionDim(), "fusion.textSize", fusion.textSize());
    requireEqual("discriminator.inputSize", discriminator.inputSize(), "clip.projectionDim", clip.projectionDim());
    if (unet.inChannels() != 3 || unet.outChannels() != 3) {
      throw new IllegalArgumentException("unet must map RGB to RGB noise (3 -> 3 channels), got "
          + unet.inChannels() + " -> " + unet.outChannels());
    }
  }

  private static void requireEqual(String a, int valueA, String b, int valueB) {
    if (valueA != valueB) {
      throw new IllegalArgumentException(a + " (" + valueA + ") must equal " + b + " (" + valueB + ")");
    }
  }

  /**
   * The sizes graphpaint trains on two CPU cores: a 2-layer 64-wide CLIP on 32x32 images with
   * 8x8 patches and a word vocabulary, a 64-wide graph encoder with 3 convolutions, the default
   * 0.9 M-parameter UNet, 4 graph tokens appended.
   *
   * @param vocabulary scene-graph vocabulary (object classes and predicates)
   * @param tokens the word-level tokenizer's ids and length (see {@link WordLevelTokenizerWriter})
   * @param imageSize training image side (32 or 64)
   */
  public static ModelConfig defaults(Vocabulary vocabulary, WordLevelTokenizerWriter.Vocabulary tokens, int imageSize) {
    return sized(vocabulary, tokens, imageSize, 64, 2, 128, 2, List.of(32, 64, 64), 4);
  }

  /** A model small enough for unit tests (seconds per stage). */
  public static ModelConfig tiny(Vocabulary vocabulary, WordLevelTokenizerWriter.Vocabulary tokens, int imageSize) {
    return sized(vocabulary, tokens, imageSize, 16, 1, 32, 1, List.of(8, 16), 2);
  }

  private static ModelConfig sized(
      Vocabulary vocabulary, WordLevelTokenizerWriter.Vocabulary tokens, int imageSize, int width, int layers,
      int graphHidden, int graphLayers, List<Integer> unetChannels, int graphTokens) {
    int heads = width >= 64 ? 4 : 2;
    // eos_token_id 2 selects OpenAI's pooling rule (highest id), which the writer's layout satisfies
    ClipTextConfig text = new ClipTextConfig(
        tokens.vocabSize(), width, 2 * width, layers, heads, tokens.maxLength(), "quick_gelu", 1e-5,
        tokens.startId(), 2, tokens.endId(), 0.02, 1.0);
    int patch = imageSize / 4;
    ClipVisionConfig vision = new ClipVisionConfig(
        width, 2 * width, layers, heads, 3, imageSize, patch, "quick_gelu", 1e-5, 0.02, 1.0);
    ClipConfig clip = new ClipConfig(text, vision, width, 2.6592);
    // the __image__ node is object id 0 of the vocabulary; the encoder's extra table row stays unused
    GraphEncoderConfig graph = new GraphEncoderConfig(
        vocabulary.numObjectIds(), vocabulary.numPredicateIds(), width, graphHidden, graphLayers, 16, 9);
    int groups = Math.min(8, unetChannels.get(0));
    int unetHeads = Math.min(4, unetChannels.get(0) / 4);
    Set<Integer> attention = unetChannels.size() >= 3 ? Set.of(imageSize / 2, imageSize / 4) : Set.of(imageSize / 2);
    UNetConfig unet = new UNetConfig(
        imageSize, 3, 3, unetChannels, 1, attention, width, unetHeads, groups, 4 * unetChannels.get(0), 0f, true, false);
    FusionConfig fusion = new FusionConfig(FusionMode.APPEND, width, width, graphTokens, FusionConfig.DEFAULT_CONDITION_DROPOUT);
    EmbeddingDiscriminator.Config discriminator = new EmbeddingDiscriminator.Config(width, List.of(2 * width), 0.2f, 0.3f);
    return new ModelConfig(clip, graph, unet, fusion, NoiseScheduleConfig.defaults(), discriminator, SamplingDefaults.defaults());
  }

  public ModelConfig withFusion(FusionConfig newFusion) {
    return new ModelConfig(clip, graphEncoder, unet, newFusion, noiseSchedule, discriminator, sampling);
  }

  public ModelConfig withUnet(UNetConfig newUnet) {
    return new ModelConfig(clip, graphEncoder, newUnet, fusion, noiseSchedule, discriminator, sampling);
  }

  public ModelConfig withSampling(SamplingDefaults newSampling) {
    return new ModelConfig(clip, graphEncoder, unet, fusion, noiseSchedule, discriminator, newSampling);
  }
}
