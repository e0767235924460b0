package io.graphpaint.model.diffusion;

import java.util.List;
import java.util.Set;

/** Small configurations that keep tests fast on two cores. */
final class TinyUNets {

  static final int SIZE = 16;
  static final int CONDITION_DIM = 8;

  private TinyUNets() {}

  /** 8/16 channels at 16/8 px, attention at 8 px, condition width 8. */
  static ConditionalUNet build() {
    return ConditionalUNet.builder()
        .setConditionDim(CONDITION_DIM)
        .optSampleSize(SIZE)
        .optChannels(List.of(8, 16))
        .optLayersPerLevel(1)
        .optAttentionResolutions(Set.of(8))
        .optAttentionHeads(2)
        .optNormGroups(4)
        .optTimeEmbedDim(16)
        .build();
  }
}
