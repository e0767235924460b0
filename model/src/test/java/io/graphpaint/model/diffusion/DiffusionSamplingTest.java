package io.graphpaint.model.diffusion;

import static io.graphpaint.model.nn.FixtureFiles.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Determinism, seed dependence and batch independence of DDIM + guidance sampling. */
class DiffusionSamplingTest {

  private static NDManager manager;
  private static DdimSampler sampler;
  private static final int L = 3;

  @BeforeAll
  static void setUp() {
    Engine.getInstance().setRandomSeed(5);
    manager = NDManager.newBaseManager();
    ConditionalUNet unet = TinyUNets.build().initialize(manager);
    sampler =
        new DdimSampler(
            unet,
            new ParameterStore(manager, false),
            new DdimScheduler(NoiseScheduleConfig.defaults()));
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  /** Condition rows derived from a per-image key, so a row never depends on its batch. */
  private static float[] conditionRow(long key) {
    Random r = new Random(key * 31 + 7);
    float[] row = new float[L * TinyUNets.CONDITION_DIM];
    for (int i = 0; i < row.length; i++) {
      row[i] = (float) r.nextGaussian();
    }
    return row;
  }

  private static float[] sample(long[] seeds, long[] conditionKeys, float eta, NDManager scope) {
    int b = seeds.length;
    float[] cond = new float[b * L * TinyUNets.CONDITION_DIM];
    float[] mask = new float[b * L];
    for (int i = 0; i < b; i++) {
      System.arraycopy(conditionRow(conditionKeys[i]), 0, cond, i * cond.length / b, cond.length / b);
      for (int j = 0; j < L; j++) {
        mask[i * L + j] = j < 2 + (conditionKeys[i] % 2) ? 1f : 0f;
      }
    }
    NDArray condition = scope.create(cond, new Shape(b, L, TinyUNets.CONDITION_DIM));
    NDArray conditionMask = scope.create(mask, new Shape(b, L));
    NDArray unconditional = scope.zeros(new Shape(b, 1, TinyUNets.CONDITION_DIM));
    SamplingRequest request =
        new SamplingRequest(
            seeds, condition, conditionMask, unconditional, null, 2f, 6, eta,
            TinyUNets.SIZE, TinyUNets.SIZE);
    List<Integer> steps = new ArrayList<>();
    NDArray images = sampler.sample(request, scope, (step, total, t) -> steps.add(step));
    assertThat(steps).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(images.getShape()).isEqualTo(new Shape(b, 3, TinyUNets.SIZE, TinyUNets.SIZE));
    float[] values = images.toFloatArray();
    for (float v : values) {
      assertThat(v).isBetween(-1f, 1f);
    }
    return values;
  }

  @Test
  void sameInputsGiveBitIdenticalImagesAndPngs() {
    try (NDManager scope = manager.newSubManager()) {
      long[] seeds = {42, 43};
      long[] keys = {1, 2};
      float[] first = sample(seeds, keys, 0.5f, scope);
      float[] second = sample(seeds, keys, 0.5f, scope);
      assertThat(second).containsExactly(first);
      int plane = 3 * TinyUNets.SIZE * TinyUNets.SIZE;
      byte[] pngA = ImageEncoding.toPng(Arrays.copyOf(first, plane), TinyUNets.SIZE, TinyUNets.SIZE);
      byte[] pngB = ImageEncoding.toPng(Arrays.copyOf(second, plane), TinyUNets.SIZE, TinyUNets.SIZE);
      assertThat(pngB).isEqualTo(pngA);
      assertThat(pngA).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
  }

  @Test
  void differentSeedsGiveDifferentImages() {
    try (NDManager scope = manager.newSubManager()) {
      float[] a = sample(new long[] {1}, new long[] {5}, 0f, scope);
      float[] b = sample(new long[] {2}, new long[] {5}, 0f, scope);
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        diff += Math.abs(a[i] - b[i]);
      }
      assertThat(diff / a.length).isGreaterThan(0.05);
    }
  }

  @Test
  void defaultSizeUNetIsBatchIndependentToo() {
    // Kernels may pick other algorithms for other batch sizes at production widths: check the
    // default configuration as well (one guided step keeps it quick).
    try (NDManager scope = manager.newSubManager()) {
      Engine.getInstance().setRandomSeed(6);
      ConditionalUNet unet = ConditionalUNet.builder().setConditionDim(16).build().initialize(scope);
      DdimSampler big =
          new DdimSampler(
              unet, new ParameterStore(scope, false), new DdimScheduler(NoiseScheduleConfig.defaults()));
      float[][] results = new float[2][];
      long[][] seeds = {{21}, {20, 21, 22}};
      for (int run = 0; run < 2; run++) {
        int b = seeds[run].length;
        float[] cond = new float[b * 2 * 16];
        for (int i = 0; i < b; i++) {
          Random r = new Random(seeds[run][i]);
          for (int k = 0; k < 32; k++) {
            cond[i * 32 + k] = (float) r.nextGaussian();
          }
        }
        SamplingRequest request =
            SamplingRequest.guided(
                seeds[run], scope.create(cond, new Shape(b, 2, 16)), null,
                scope.zeros(new Shape(b, 1, 16)), null, 1.5f, 1, 32);
        results[run] = big.sample(request, scope, SamplingListener.NONE).toFloatArray();
      }
      int size = results[0].length;
      assertThat(Arrays.copyOfRange(results[1], size, 2 * size)).containsExactly(results[0]);
    }
  }

  @Test
  void anImageIsTheSameAloneOrInABatchOfThree() {
    try (NDManager scope = manager.newSubManager()) {
      for (float eta : new float[] {0f, 0.5f}) {
        float[] alone = sample(new long[] {77}, new long[] {9}, eta, scope);
        float[] batch = sample(new long[] {5, 77, 6}, new long[] {3, 9, 4}, eta, scope);
        float[] middle = Arrays.copyOfRange(batch, alone.length, 2 * alone.length);
        assertThat(middle).as("eta %s", eta).containsExactly(alone);
      }
    }
  }

  /** The images of one request, sampled batch-invariant (image by image) or as one UNet batch. */
  private static float[] images(SamplingRequest request, boolean invariant, NDManager scope) {
    sampler.withBatchInvariance(invariant);
    try {
      return sampler.sample(request, scope, null).toFloatArray();
    } finally {
      sampler.withBatchInvariance(true);
    }
  }

  /**
   * A contrast condition adds s (eps_c - eps_contrast): with the null condition as the contrast
   * and no guidance, that is eps_u + (1 + s)(eps_c - eps_u), i.e. guidance at w = 1 + s; with the
   * condition itself as the contrast it adds nothing; any other contrast moves the images.
   */
  @Test
  void theContrastBranchAddsItsScaleTimesTheDifference() {
    try (NDManager scope = manager.newSubManager()) {
      long[] seeds = {11, 12, 13};
      int b = seeds.length;
      float[] cond = new float[b * L * TinyUNets.CONDITION_DIM];
      float[] other = new float[cond.length];
      for (int i = 0; i < b; i++) {
        System.arraycopy(conditionRow(i), 0, cond, i * cond.length / b, cond.length / b);
        System.arraycopy(conditionRow(100 + i), 0, other, i * cond.length / b, cond.length / b);
      }
      NDArray condition = scope.create(cond, new Shape(b, L, TinyUNets.CONDITION_DIM));
      NDArray contrast = scope.create(other, new Shape(b, L, TinyUNets.CONDITION_DIM));
      NDArray unconditional = scope.zeros(new Shape(b, 1, TinyUNets.CONDITION_DIM));
      int size = TinyUNets.SIZE;
      for (boolean invariant : new boolean[] {true, false}) {
        float[] guided = images(SamplingRequest.guided(seeds, condition, null, unconditional, null, 2.5f, 4, size),
            invariant, scope);
        float[] viaContrast = images(SamplingRequest.conditional(seeds, condition, null, 4, size)
            .withContrast(unconditional, null, 1.5f), invariant, scope);
        // equal up to float rounding (a batch of 2 or 3 rows through the UNet, and the sum taken in another order)
        assertThat(maxAbsDiff(viaContrast, guided)).as("invariant %s", invariant).isLessThan(1e-4);

        float[] plain = images(SamplingRequest.guided(seeds, condition, null, unconditional, null, 2f, 4, size),
            invariant, scope);
        SamplingRequest guidedTwice = SamplingRequest.guided(seeds, condition, null, unconditional, null, 2f, 4, size);
        float[] selfContrast = images(guidedTwice.withContrast(condition, null, 3f), invariant, scope);
        assertThat(maxAbsDiff(selfContrast, plain)).isLessThan(1e-4);
        float[] contrasted = images(guidedTwice.withContrast(contrast, null, 3f), invariant, scope);
        assertThat(maxAbsDiff(contrasted, plain)).isGreaterThan(0.05);
        // s = 0 skips the branch: the same request as without a contrast
        assertThat(guidedTwice.withContrast(contrast, null, 0f).branches()).isEqualTo(2);
        assertThat(guidedTwice.withContrast(contrast, null, 3f).branches()).isEqualTo(3);
      }
    }
  }

  @Test
  void aContrastMustFitTheCondition() {
    try (NDManager scope = manager.newSubManager()) {
      NDArray condition = scope.zeros(new Shape(2, L, TinyUNets.CONDITION_DIM));
      SamplingRequest request = SamplingRequest.conditional(new long[] {1, 2}, condition, null, 4, TinyUNets.SIZE);
      assertThatThrownBy(
              () -> request.withContrast(scope.zeros(new Shape(1, L, TinyUNets.CONDITION_DIM)), null, 1f))
          .hasMessageContaining("contrast must be (B=2, L, C_cond)");
      assertThatThrownBy(
              () -> request.withContrast(scope.zeros(new Shape(2, L, TinyUNets.CONDITION_DIM + 1)), null, 1f))
          .hasMessageContaining("contrast width");
      assertThatThrownBy(() -> request.withContrast(condition, null, -1f))
          .hasMessageContaining("contrastScale must be within [0, 50]");
    }
  }
}
