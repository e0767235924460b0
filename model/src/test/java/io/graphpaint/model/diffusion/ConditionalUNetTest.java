package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.nn.StateDict;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConditionalUNetTest {

  @Test
  void defaultUNetPredictsNoiseOfTheInputShapeAt32And64Pixels() {
    Engine.getInstance().setRandomSeed(7);
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditionalUNet unet = ConditionalUNet.builder().setConditionDim(64).build().initialize(manager);
      long params = StateDict.countParameters(unet);
      System.out.println("default UNet parameters: " + params);
      assertThat(params).isBetween(800_000L, 1_500_000L);
      ParameterStore ps = new ParameterStore(manager, false);
      for (int size : new int[] {32, 64}) {
        try (NDManager step = manager.newSubManager()) {
          NDArray x = step.randomNormal(new Shape(2, 3, size, size));
          NDArray t = step.create(new int[] {10, 900});
          NDArray cond = step.randomNormal(new Shape(2, 5, 64));
          NDArray mask = step.create(new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, new Shape(2, 5));
          NDArray eps = unet.predictNoise(ps, x, t, cond, mask, false);
          assertThat(eps.getShape()).isEqualTo(new Shape(2, 3, size, size));
          assertThat(eps.isNaN().any().getBoolean()).isFalse();
        }
      }
    }
  }

  @Test
  void pooledConditionReachesTheOutputWithoutCrossAttentionAndIgnoresPaddedTokens() {
    for (boolean pooled : new boolean[] {false, true}) {
      Engine.getInstance().setRandomSeed(11);
      try (NDManager manager = NDManager.newBaseManager()) {
        ConditionalUNet unet =
            ConditionalUNet.builder()
                .fromConfig(TinyUNets.build().config())
                .optPooledCondition(pooled)
                .build()
                .initialize(manager);
        Map<String, Parameter> parameters = StateDict.parameters(unet);
        assertThat(parameters.containsKey("condition_embedding.linear_1.weight")).isEqualTo(pooled);
        assertThat(parameters.containsKey("condition_embedding.linear_2.bias")).isEqualTo(pooled);
        // silence every cross-attention: only the pooled path can still carry the condition
        int silenced = 0;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
          if (entry.getKey().contains(".attn2.to_out.")) {
            entry.getValue().getArray().muli(0f);
            silenced++;
          }
        }
        assertThat(silenced).isGreaterThanOrEqualTo(4);
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
          int size = TinyUNets.SIZE;
          int dim = TinyUNets.CONDITION_DIM;
          NDArray x = step.randomNormal(new Shape(1, 3, size, size));
          NDArray t = step.create(new int[] {300});
          NDArray mask = step.create(new float[] {1, 1, 1, 0, 0}, new Shape(1, 5));
          NDArray cond = step.randomNormal(new Shape(1, 5, dim));
          NDArray other = step.randomNormal(new Shape(1, 5, dim));
          // same real tokens, other values in the two padded positions
          NDArray padded = cond.get("0:1, 0:3, :").concat(step.randomNormal(new Shape(1, 2, dim)).mul(10f), 1);
          NDArray eps = unet.predictNoise(ps, x, t, cond, mask, false);
          NDArray epsOther = unet.predictNoise(ps, x, t, other, mask, false);
          NDArray epsPadded = unet.predictNoise(ps, x, t, padded, mask, false);
          float change = epsOther.sub(eps).abs().max().getFloat();
          if (pooled) {
            assertThat(change).as("another condition changes eps through the time embedding").isGreaterThan(1e-4f);
          } else {
            assertThat(change).as("no path left for the condition").isLessThan(1e-6f);
          }
          assertThat(epsPadded.sub(eps).abs().max().getFloat()).as("padding is ignored").isLessThan(1e-5f);
        }
      }
    }
  }

  @Test
  void maskedMeanAveragesOnlyRealTokens() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray cond = manager.create(new float[] {1, 2, 3, 4, 100, 200, 5, 6, 7, 8, 9, 10}, new Shape(2, 3, 2));
      NDArray mask = manager.create(new float[] {1, 1, 0, 1, 1, 1}, new Shape(2, 3));
      assertThat(ConditionalUNet.maskedMean(cond, mask).toFloatArray())
          .containsExactly(2f, 3f, 7f, 8f);
      assertThat(ConditionalUNet.maskedMean(cond, null).toFloatArray()[0]).isCloseTo(104f / 3, org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  /**
   * Attention over pixels without positions is equivariant to any rearrangement of them: the
   * block's output for a mirrored feature map is its output mirrored, so it cannot tell a scene
   * from its mirror image. With the position embedding it can.
   */
  @Test
  void positionEmbeddingLetsAttentionTellAMapFromItsMirrorImage() {
    for (boolean positions : new boolean[] {false, true}) {
      Engine.getInstance().setRandomSeed(5);
      try (NDManager manager = NDManager.newBaseManager()) {
        SpatialAttention block = new SpatialAttention(16, 8, 2, 4, positions);
        block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 16, 8, 8), new Shape(1, 3, 8));
        assertThat(block.hasPositionEmbedding()).isEqualTo(positions);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray x = manager.randomNormal(new Shape(2, 16, 8, 8));
        NDArray cond = manager.randomNormal(new Shape(2, 3, 8));
        NDArray out = block.forward(ps, new ai.djl.ndarray.NDList(x, cond), false).head();
        NDArray mirroredOut = block.forward(ps, new ai.djl.ndarray.NDList(x.flip(3), cond), false).head();
        float difference = mirroredOut.sub(out.flip(3)).abs().max().getFloat();
        if (positions) {
          assertThat(difference).as("with positions").isGreaterThan(1e-2f);
        } else {
          assertThat(difference).as("without positions").isLessThan(1e-4f);
        }
      }
    }
  }

  @Test
  void positionEmbeddingAddsNoParametersAndLoadsTheSameWeights() {
    Engine.getInstance().setRandomSeed(3);
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditionalUNet plain = TinyUNets.build().initialize(manager);
      ConditionalUNet positioned =
          ConditionalUNet.builder().fromConfig(plain.config()).optPositionEmbedding(true).build().initialize(manager);
      assertThat(positioned.config().positionEmbedding()).isTrue();
      Map<String, Parameter> a = StateDict.parameters(plain);
      Map<String, Parameter> b = StateDict.parameters(positioned);
      assertThat(b.keySet()).isEqualTo(a.keySet());
      for (Map.Entry<String, Parameter> entry : a.entrySet()) {
        b.get(entry.getKey()).getArray().set(entry.getValue().getArray().toFloatArray());
      }
      ParameterStore ps = new ParameterStore(manager, false);
      int size = TinyUNets.SIZE;
      NDArray x = manager.randomNormal(new Shape(1, 3, size, size));
      NDArray t = manager.create(new int[] {500});
      NDArray cond = manager.randomNormal(new Shape(1, 4, TinyUNets.CONDITION_DIM));
      NDArray epsPlain = plain.predictNoise(ps, x, t, cond, null, false);
      NDArray epsPositioned = positioned.predictNoise(ps, x, t, cond, null, false);
      // same weights, and the positions change the prediction
      assertThat(epsPositioned.sub(epsPlain).abs().max().getFloat()).isGreaterThan(1e-3f);
    }
  }

  @Test
  void builderRejectsBadSizesWithMessagesNamingTheField() {
    assertThatThrownBy(() -> ConditionalUNet.builder().optChannels(List.of(32, 64)).build())
        .hasMessageContaining("conditionDim");
    assertThatThrownBy(
            () ->
                ConditionalUNet.builder()
                    .setConditionDim(16)
                    .optAttentionResolutions(Set.of(12))
                    .build())
        .hasMessageContaining("attentionResolutions entry 12")
        .hasMessageContaining("[32, 16, 8]");
    assertThatThrownBy(
            () -> ConditionalUNet.builder().setConditionDim(16).optChannels(List.of(30)).build())
        .hasMessageContaining("normGroups");
    assertThatThrownBy(
            () ->
                ConditionalUNet.builder()
                    .setConditionDim(16)
                    .optChannels(List.of(6, 10))
                    .optSampleSize(16)
                    .optAttentionResolutions(Set.of(8))
                    .optNormGroups(2)
                    .optAttentionHeads(2)
                    .optPositionEmbedding(true)
                    .build())
        .hasMessageContaining("multiple of 4; channels[1] = 10");
  }
}
