package io.graphpaint.model.diffusion;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Architecture of the {@link ConditionalUNet}. Every size is configuration; the defaults train on
 * two CPU cores (about 0.9 M parameters: 32/64/64 channels at 32/16/8 px, attention at 16 and 8
 * px).
 *
 * @param sampleSize input height and width in pixels (32 or 64 by default; any multiple of
 *     2^(levels-1) that is at least 8)
 * @param inChannels image channels in (3 for RGB)
 * @param outChannels channels of the predicted noise (3)
 * @param channels width of each resolution level, highest resolution first (diffusers'
 *     {@code block_out_channels}); the number of entries is the number of levels
 * @param layersPerLevel residual blocks per level on the way down (the way up has one more)
 * @param attentionResolutions resolutions in pixels (of a {@code sampleSize} input) whose levels
 *     get self- and cross-attention; each must be one of the level resolutions
 * @param conditionDim width C_cond of the condition sequence (B, L, C_cond)
 * @param attentionHeads heads of every attention layer; divides every level width
 * @param normGroups GroupNorm groups; divides every level width
 * @param timeEmbedDim width of the time embedding MLP (4 x channels[0] in DDPM)
 * @param dropout dropout rate inside residual blocks during training, in [0, 1)
 * @param pooledCondition whether the masked mean of the condition sequence, through a two-layer
 *     MLP, is added to the time embedding (as SDXL and Imagen add their pooled text embedding), so
 *     every residual block sees the condition, not only the attention levels; absent in a
 *     model.json written before it existed, which reads as false
 * @param positionEmbedding whether every attention block adds the fixed 2D sine-cosine embedding
 *     of each pixel's row and column to its tokens (as ViT-MAE and DiT do), so attention knows
 *     where a pixel is and can place one object left of another; then every attention level's
 *     width must be a multiple of 4. No parameters; absent in a model.json written before it
 *     existed, which reads as false
 */
public record UNetConfig(
    int sampleSize,
    int inChannels,
    int outChannels,
    List<Integer> channels,
    int layersPerLevel,
    Set<Integer> attentionResolutions,
    int conditionDim,
    int attentionHeads,
    int normGroups,
    int timeEmbedDim,
    float dropout,
    boolean pooledCondition,
    boolean positionEmbedding) {

  public UNetConfig {
    Objects.requireNonNull(channels, "channels must not be null");
    Objects.requireNonNull(attentionResolutions, "attentionResolutions must not be null");
    channels = List.copyOf(channels);
    attentionResolutions = Set.copyOf(new TreeSet<>(attentionResolutions));
    if (channels.isEmpty() || channels.size() > 6) {
      throw new IllegalArgumentException(
          "channels must list 1 to 6 level widths, got " + channels);
    }
    if (inChannels < 1 || inChannels > 16) {
      throw new IllegalArgumentException("inChannels must be within [1, 16], got " + inChannels);
    }
    if (outChannels < 1 || outChannels > 16) {
      throw new IllegalArgumentException("outChannels must be within [1, 16], got " + outChannels);
    }
    if (layersPerLevel < 1 || layersPerLevel > 8) {
      throw new IllegalArgumentException(
          "layersPerLevel must be within [1, 8], got " + layersPerLevel);
    }
    if (normGroups < 1) {
      throw new IllegalArgumentException("normGroups must be >= 1, got " + normGroups);
    }
    if (attentionHeads < 1) {
      throw new IllegalArgumentException("attentionHeads must be >= 1, got " + attentionHeads);
    }
    for (int i = 0; i < channels.size(); i++) {
      int width = channels.get(i);
      if (width < 1 || width > 4096) {
        throw new IllegalArgumentException(
            "channels[" + i + "] must be within [1, 4096], got " + width);
      }
      if (width % normGroups != 0) {
        throw new IllegalArgumentException(
            "channels[" + i + "] = " + width + " must be divisible by normGroups = " + normGroups);
      }
      if (width % attentionHeads != 0) {
        throw new IllegalArgumentException(
            "channels[" + i + "] = " + width + " must be divisible by attentionHeads = "
                + attentionHeads);
      }
    }
    int factor = 1 << (channels.size() - 1);
    if (sampleSize < 8 || sampleSize > 1024 || sampleSize % factor != 0) {
      throw new IllegalArgumentException(
          "sampleSize must be within [8, 1024] and divisible by 2^(levels-1) = " + factor
              + ", got " + sampleSize);
    }
    List<Integer> resolutions = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      resolutions.add(sampleSize >> i);
    }
    for (int resolution : attentionResolutions) {
      if (!resolutions.contains(resolution)) {
        throw new IllegalArgumentException(
            "attentionResolutions entry " + resolution + " is not a level resolution; allowed: "
                + resolutions);
      }
    }
    if (positionEmbedding) {
      for (int i = 0; i < channels.size(); i++) {
        if (attentionResolutions.contains(sampleSize >> i) && channels.get(i) % 4 != 0) {
          throw new IllegalArgumentException(
              "with positionEmbedding, the width of every attention level must be a multiple of 4; channels["
                  + i + "] = " + channels.get(i));
        }
      }
    }
    if (conditionDim < 1 || conditionDim > 8192) {
      throw new IllegalArgumentException(
          "conditionDim must be within [1, 8192], got " + conditionDim);
    }
    if (timeEmbedDim < 1) {
      throw new IllegalArgumentException("timeEmbedDim must be >= 1, got " + timeEmbedDim);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be within [0, 1), got " + dropout);
    }
  }

  /**
   * graphpaint's default for 32x32 RGB on CPU: channels 32/64/64, one residual block per level,
   * attention at 16 and 8 px, 4 heads, 8 groups, time embedding 128, pooled condition added to
   * the time embedding.
   */
  public static UNetConfig defaults(int conditionDim) {
    return new UNetConfig(
        32, 3, 3, List.of(32, 64, 64), 1, Set.of(16, 8), conditionDim, 4, 8, 128, 0f, true, false);
  }

  /** This configuration with the pooled-condition path on or off. */
  public UNetConfig withPooledCondition(boolean enabled) {
    return new UNetConfig(
        sampleSize, inChannels, outChannels, channels, layersPerLevel, attentionResolutions,
        conditionDim, attentionHeads, normGroups, timeEmbedDim, dropout, enabled, positionEmbedding);
  }

  /** This configuration with the attention blocks' 2D position embedding on or off. */
  public UNetConfig withPositionEmbedding(boolean enabled) {
    return new UNetConfig(
        sampleSize, inChannels, outChannels, channels, layersPerLevel, attentionResolutions,
        conditionDim, attentionHeads, normGroups, timeEmbedDim, dropout, pooledCondition, enabled);
  }

  /** Number of resolution levels. */
  public int levels() {
    return channels.size();
  }

  /** Resolution in pixels of level {@code i} for a {@code sampleSize} input. */
  public int levelResolution(int level) {
    return sampleSize >> level;
  }

  /** Whether level {@code i} has attention. */
  public boolean hasAttention(int level) {
    return attentionResolutions.contains(levelResolution(level));
  }
}
