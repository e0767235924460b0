package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.nn.ExponentialMovingAverage;
import io.graphpaint.model.nn.GradientGuard;
import io.graphpaint.model.nn.StateDict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** State-dict names, safetensors round trip, shape checks, the gradient guard and EMA. */
class CheckpointAndGuardTest {

  private static float[] forward(ConditionalUNet unet, NDManager manager) {
    try (NDManager scope = manager.newSubManager()) {
      Engine.getInstance().setRandomSeed(99);
      NDArray x = scope.randomNormal(new Shape(1, 3, TinyUNets.SIZE, TinyUNets.SIZE));
      NDArray t = scope.create(new int[] {123});
      NDArray cond = scope.randomNormal(new Shape(1, 2, TinyUNets.CONDITION_DIM));
      return unet.predictNoise(new ParameterStore(scope, false), x, t, cond, null, false)
          .toFloatArray();
    }
  }

  @Test
  void namesAreStableAndSafetensorsRoundTripReproducesTheOutput() throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(10);
      ConditionalUNet source = TinyUNets.build().initialize(manager);
      Engine.getInstance().setRandomSeed(20);
      ConditionalUNet target = TinyUNets.build().initialize(manager);
      Map<String, NDArray> view = StateDict.view(source);
      assertThat(view.keySet())
          .contains(
              "time_embedding.linear_1.weight",
              "conv_in.weight",
              "down.0.res.0.norm1.weight",
              "down.1.res.0.conv_shortcut.weight",
              "down.0.downsample.weight",
              "down.1.attn.0.attn2.to_k.weight",
              "mid.res.1.conv2.bias",
              "up.1.res.1.time_emb_proj.weight",
              "up.1.upsample.conv.weight",
              "norm_out.bias",
              "conv_out.weight");
      assertThat(view.get("down.1.attn.0.attn2.to_k.weight").getShape())
          .isEqualTo(new Shape(16, TinyUNets.CONDITION_DIM));
      assertThat(forward(target, manager)).isNotEqualTo(forward(source, manager));

      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      StateDict.save(source, bytes);
      StateDict.load(target, new ByteArrayInputStream(bytes.toByteArray()));
      assertThat(forward(target, manager)).containsExactly(forward(source, manager));
      // loaded parameters still train
      assertThat(StateDict.view(target).get("conv_in.weight").hasGradient()).isTrue();
    }
  }

  @Test
  void loadingAMismatchedStateDictNamesParameterAndShapes() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditionalUNet tiny = TinyUNets.build().initialize(manager);
      ConditionalUNet wider =
          ConditionalUNet.builder()
              .fromConfig(tiny.config())
              .optChannels(List.of(8, 24))
              .build()
              .initialize(manager);
      assertThatThrownBy(() -> StateDict.load(tiny, StateDict.view(wider)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("parameter down.1.res.0.conv1.weight: expected shape (16, 8, 3, 3), found (24, 8, 3, 3)");
      Map<String, NDArray> missing = new HashMap<>(StateDict.view(tiny));
      missing.remove("conv_out.bias");
      missing.put("extra.weight", manager.zeros(new Shape(2)));
      assertThatThrownBy(() -> StateDict.load(tiny, missing))
          .hasMessageContaining("missing parameter conv_out.bias (expected shape (3))")
          .hasMessageContaining("unexpected parameter extra.weight");
    }
  }

  @Test
  void guardRefusesNonFiniteGradientsAndZeroesThem() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray weight = manager.create(new float[] {1f, 2f, 3f});
      weight.setRequiresGradient(true);
      GradientGuard guard = new GradientGuard();
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        // d/dw sum(w * [1, NaN, 1]) = [1, NaN, 1]
        NDArray loss = weight.mul(manager.create(new float[] {1f, Float.NaN, 1f})).sum();
        collector.backward(loss);
      }
      assertThat(guard.allowUpdate(List.of(weight))).isFalse();
      assertThat(guard.skippedSteps()).isEqualTo(1);
      assertThat(weight.getGradient().toFloatArray()).containsExactly(0f, 0f, 0f);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(weight.mul(2f).sum());
      }
      assertThat(guard.allowUpdate(List.of(weight))).isTrue();
      assertThat(weight.getGradient().toFloatArray()).containsExactly(2f, 2f, 2f);
      assertThat(GradientGuard.globalNorm(List.of(weight))).isCloseTo(Math.sqrt(12), within(1e-6));
      GradientGuard.clipGlobalNorm(List.of(weight), 1.0);
      assertThat(GradientGuard.globalNorm(List.of(weight))).isCloseTo(1.0, within(1e-5));
      assertThat(guard.checkedSteps()).isEqualTo(2);
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }

  @Test
  void emaFollowsTheDecayFormula() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditionalUNet unet = TinyUNets.build().initialize(manager);
      NDArray bias = StateDict.view(unet).get("conv_out.bias");
      bias.set(new float[] {1f, 1f, 1f});
      try (ExponentialMovingAverage ema = new ExponentialMovingAverage(unet, 0.9f, false, manager)) {
        bias.set(new float[] {3f, 3f, 3f});
        ema.update(unet);
        // 0.9 * 1 + 0.1 * 3
        assertThat(ema.stateDict().get("conv_out.bias").toFloatArray())
            .containsExactly(new float[] {1.2f, 1.2f, 1.2f}, org.assertj.core.data.Offset.offset(1e-6f));
        ema.copyTo(unet);
        assertThat(StateDict.view(unet).get("conv_out.bias").toFloatArray())
            .containsExactly(new float[] {1.2f, 1.2f, 1.2f}, org.assertj.core.data.Offset.offset(1e-6f));
      }
      try (ExponentialMovingAverage warm = new ExponentialMovingAverage(unet, 0.999f, true, manager)) {
        assertThat(warm.currentDecay()).isEqualTo(0.1f);
      }
    }
  }
}
