package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.nn.StateDict;
import java.util.List;
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
  }
}
