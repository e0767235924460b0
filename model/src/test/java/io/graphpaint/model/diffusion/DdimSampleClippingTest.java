package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A whole DDIM run over a slightly imperfect denoiser of a flat-colour image, modelled on a briefly
 * trained eps model: it knows x_0, but like a UNet whose GroupNorms normalise its input it is blind
 * to the scale of x_t (its eps always has unit RMS), it under-predicts by 2 % (a trained model's
 * mean eps^2 at high t is 0.96-0.98) and adds a small Gaussian error. Where sqrt(a_t) is 0.006 such
 * errors become x_0 predictions far outside [-1, 1]; the bare update then drifts and ends in
 * saturated per-pixel noise. With x_0 clipping the same run must end at the colour.
 */
class DdimSampleClippingTest {

  private static final float[] COLOUR = {0.6f, -0.4f, 0.2f};
  private static final int SIZE = 16;
  private static final int STEPS = 20;

  /** (1, 3, S, S) at the flat colour. */
  private static float[] flatImage() {
    int plane = SIZE * SIZE;
    float[] out = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < plane; p++) {
        out[c * plane + p] = COLOUR[c];
      }
    }
    return out;
  }

  /** Runs DDIM (eta 0) with the imperfect denoiser; returns the final image clamped to [-1, 1]. */
  private static float[] sample(DdimScheduler scheduler, NDManager manager) {
    Shape shape = new Shape(1, 3, SIZE, SIZE);
    float[] clean = flatImage();
    Random random = new Random(3);
    float[] start = new float[clean.length];
    for (int i = 0; i < start.length; i++) {
      start[i] = (float) random.nextGaussian();
    }
    NDArray x = manager.create(start, shape);
    NDArray x0 = manager.create(clean, shape);
    for (int t : scheduler.timesteps(STEPS)) {
      float alphaBar = scheduler.schedule().alphaCumprod(t);
      float[] error = new float[clean.length];
      for (int i = 0; i < error.length; i++) {
        error[i] = (float) (0.05 * random.nextGaussian());
      }
      // eps_hat = 0.98 (x_t - sqrt(a) x_0) / sqrt(1 - a) + error
      // scale-blind (normalised inputs, as GroupNorm makes a UNet): unit-RMS residual, shrunk by 2 %
      NDArray residual = x.sub(x0.mul((float) Math.sqrt(alphaBar)));
      float rms = (float) Math.sqrt(residual.square().mean().getFloat());
      NDArray epsilon = residual.div(rms).mul(0.98f).add(manager.create(error, shape));
      x = scheduler.step(epsilon, t, STEPS, x, 0f, null);
    }
    return x.clip(-1f, 1f).toFloatArray();
  }

  private static double meanAbsoluteError(float[] image) {
    float[] clean = flatImage();
    double sum = 0;
    for (int i = 0; i < image.length; i++) {
      sum += Math.abs(image[i] - clean[i]);
    }
    return sum / image.length;
  }

  private static double saturatedFraction(float[] image) {
    int saturated = 0;
    for (float value : image) {
      if (Math.abs(value) >= 0.999f) {
        saturated++;
      }
    }
    return (double) saturated / image.length;
  }

  @Test
  void clippedRunEndsAtTheColourWhereTheBareUpdateSaturates() {
    DdimScheduler bare = new DdimScheduler(NoiseScheduleConfig.defaults().withPredictionType(PredictionType.EPSILON));
    DdimScheduler clipped = bare.withSampleClipping(1f);
    try (NDManager manager = NDManager.newBaseManager()) {
      float[] withClipping = sample(clipped, manager);
      float[] without = sample(bare, manager);
      double clippedError = meanAbsoluteError(withClipping);
      double bareError = meanAbsoluteError(without);
      System.out.printf(
          "DDIM over a scale-blind, 2%%-shrunk eps: mean |x - colour| clipped %.4f (saturated %.3f), bare %.4f (saturated %.3f)%n",
          clippedError, saturatedFraction(withClipping), bareError, saturatedFraction(without));
      assertThat(clippedError).isLessThan(0.03);
      assertThat(saturatedFraction(withClipping)).isZero();
      // the failure the clipping prevents: the bare update leaves the data range
      assertThat(bareError).isGreaterThan(0.3);
      assertThat(saturatedFraction(without)).isGreaterThan(0.2);
    }
  }

  @Test
  void clippingClampsThePredictedOriginalOfOneStep() {
    DdimScheduler clipped = new DdimScheduler(NoiseScheduleConfig.defaults().withPredictionType(PredictionType.EPSILON)).withSampleClipping(1f);
    assertThat(clipped.sampleClipRange()).isEqualTo(1f);
    assertThat(new DdimScheduler(NoiseScheduleConfig.defaults().withPredictionType(PredictionType.EPSILON)).sampleClipRange()).isZero();
    try (NDManager manager = NDManager.newBaseManager()) {
      // t = 999 -> 949 with x_t = 1 and eps = 0: x0_pred = 1 / sqrt(a_999), far above 1
      NoiseSchedule schedule = clipped.schedule();
      DdimStepCoefficients step = clipped.coefficients(999, STEPS, 0f);
      NDArray x = manager.ones(new Shape(1, 1, 2, 2));
      NDArray eps = manager.zeros(new Shape(1, 1, 2, 2));
      float[] out = clipped.step(eps, x, step, null).toFloatArray();
      float expected = (float) Math.sqrt(schedule.alphaCumprod(step.previousTimestep())) * 1f;
      for (float value : out) {
        assertThat(value).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6f));
      }
    }
  }

  @Test
  void rejectsNonPositiveRanges() {
    DdimScheduler bare = new DdimScheduler(NoiseScheduleConfig.defaults().withPredictionType(PredictionType.EPSILON));
    assertThatThrownBy(() -> bare.withSampleClipping(0f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sample clip range");
    assertThatThrownBy(() -> bare.withSampleClipping(Float.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
