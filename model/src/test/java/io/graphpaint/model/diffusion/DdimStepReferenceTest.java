package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The DDIM update and q(x_t | x_0) against plain double-precision loops over float arrays. */
class DdimStepReferenceTest {

  private static float[] gaussian(Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }

  @Test
  void ddimUpdateMatchesLoopReference() {
    NoiseSchedule schedule = new NoiseSchedule(NoiseScheduleConfig.defaults().withPredictionType(PredictionType.EPSILON));
    DdimScheduler scheduler = new DdimScheduler(schedule);
    // the schedule itself is checked against diffusers in DdimFixtureTest
    float[] alphaBar = schedule.alphasCumprod();
    Random random = new Random(8);
    int n = 2 * 3 * 4 * 4;
    try (NDManager manager = NDManager.newBaseManager()) {
      for (float eta : new float[] {0f, 0.5f, 1f}) {
        for (int[] pair : new int[][] {{999, 979}, {500, 480}, {19, -1}}) {
          float[] x = gaussian(random, n);
          float[] eps = gaussian(random, n);
          float[] z = gaussian(random, n);
          double at = alphaBar[pair[0]];
          double ap = pair[1] >= 0 ? alphaBar[pair[1]] : 1.0;
          double sigma = eta * Math.sqrt((1 - ap) / (1 - at) * (1 - at / ap));
          float[] expected = new float[n];
          for (int i = 0; i < n; i++) {
            double x0 = (x[i] - Math.sqrt(1 - at) * eps[i]) / Math.sqrt(at);
            expected[i] =
                (float)
                    (Math.sqrt(ap) * x0
                        + Math.sqrt(1 - ap - sigma * sigma) * eps[i]
                        + sigma * z[i]);
          }
          Shape shape = new Shape(2, 3, 4, 4);
          DdimStepCoefficients c =
              DdimStepCoefficients.of(schedule, pair[0], pair[1], eta);
          NDArray out =
              scheduler.step(
                  manager.create(eps, shape), manager.create(x, shape), c,
                  manager.create(z, shape));
          float[] actual = out.toFloatArray();
          for (int i = 0; i < n; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertThat(Math.abs(actual[i] - expected[i]) / scale)
                .as("eta %s, t %d -> %d, element %d", eta, pair[0], pair[1], i)
                .isLessThan(2e-5);
          }
        }
      }
    }
  }

  @Test
  void addNoiseMatchesLoopReferencePerBatchElement() {
    NoiseSchedule schedule = new NoiseSchedule(NoiseScheduleConfig.cosine());
    float[] alphaBar = schedule.alphasCumprod();
    Random random = new Random(4);
    int per = 3 * 2 * 2;
    float[] x0 = gaussian(random, 3 * per);
    float[] noise = gaussian(random, 3 * per);
    int[] t = {0, 500, 999};
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape shape = new Shape(3, 3, 2, 2);
      float[] actual =
          schedule.addNoise(manager.create(x0, shape), manager.create(noise, shape), t)
              .toFloatArray();
      for (int b = 0; b < 3; b++) {
        for (int i = 0; i < per; i++) {
          int k = b * per + i;
          double expected =
              Math.sqrt(alphaBar[t[b]]) * x0[k] + Math.sqrt(1 - alphaBar[t[b]]) * noise[k];
          assertThat(Math.abs(actual[k] - expected)).isLessThan(1e-6);
        }
      }
      assertThatThrownBy(
              () ->
                  schedule.addNoise(
                      manager.create(x0, shape), manager.create(noise, shape), new int[] {0, 1000, 2}))
          .hasMessageContaining("timesteps[1] must be within [0, 1000), got 1000");
    }
  }

  @Test
  void etaAboveZeroWithoutNoiseIsRejected() {
    DdimScheduler scheduler = new DdimScheduler(NoiseScheduleConfig.defaults().withPredictionType(PredictionType.EPSILON));
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.ones(new Shape(1, 3, 2, 2));
      assertThatThrownBy(() -> scheduler.step(x, 500, 50, x, 0.5f, null))
          .hasMessageContaining("varianceNoise is required when eta > 0");
    }
    assertThatThrownBy(() -> scheduler.timesteps(0))
        .hasMessageContaining("numInferenceSteps must be within [1, numTrainTimesteps=1000], got 0");
  }

  /**
   * v-prediction: the training target is sqrt(a_t) eps - sqrt(1 - a_t) x_0, and a DDIM step given
   * the exact v of (x_0, eps) is the epsilon step given eps itself; the step past t = 0 returns x_0.
   */
  @Test
  void vPredictionTargetAndStepAgreeWithTheEpsilonForm() {
    NoiseScheduleConfig config = NoiseScheduleConfig.defaults();
    assertThat(config.predictionType()).isEqualTo(PredictionType.V_PREDICTION);
    NoiseSchedule schedule = new NoiseSchedule(config);
    DdimScheduler velocity = new DdimScheduler(schedule);
    DdimScheduler epsilon = new DdimScheduler(config.withPredictionType(PredictionType.EPSILON));
    float[] alphaBar = schedule.alphasCumprod();
    Random random = new Random(12);
    Shape shape = new Shape(1, 3, 4, 4);
    int n = 3 * 4 * 4;
    try (NDManager manager = NDManager.newBaseManager()) {
      for (int[] pair : new int[][] {{999, 949}, {500, 450}, {40, -1}}) {
        float[] x0 = gaussian(random, n);
        float[] eps = gaussian(random, n);
        int[] t = {pair[0]};
        NDArray clean = manager.create(x0, shape);
        NDArray noise = manager.create(eps, shape);
        NDArray noisy = schedule.addNoise(clean, noise, t);
        float[] v = schedule.target(clean, noise, t).toFloatArray();
        double a = alphaBar[pair[0]];
        for (int i = 0; i < n; i++) {
          assertThat((double) v[i]).isCloseTo(Math.sqrt(a) * eps[i] - Math.sqrt(1 - a) * x0[i],
              org.assertj.core.data.Offset.offset(1e-5));
        }
        DdimStepCoefficients c = DdimStepCoefficients.of(schedule, pair[0], pair[1], 0f);
        float[] fromV = velocity.step(manager.create(v, shape), noisy, c, null).toFloatArray();
        float[] fromEps = epsilon.step(noise, noisy, c, null).toFloatArray();
        for (int i = 0; i < n; i++) {
          // x_0 = (x_t - sqrt(1 - a) eps) / sqrt(a) divides by sqrt(a) = 0.006 at t = 999: compare relative to that
          double tolerance = 1e-4 * Math.max(1, 1 / Math.sqrt(a));
          assertThat((double) fromV[i]).as("t %d element %d", pair[0], i)
              .isCloseTo(fromEps[i], org.assertj.core.data.Offset.offset(tolerance));
          if (pair[1] < 0) {
            assertThat((double) fromV[i]).isCloseTo(x0[i], org.assertj.core.data.Offset.offset(1e-4));
          }
        }
      }
    }
    // an epsilon schedule's target is the noise itself
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray noise = manager.ones(shape);
      NoiseSchedule eps = new NoiseSchedule(config.withPredictionType(PredictionType.EPSILON));
      assertThat(eps.target(manager.zeros(shape), noise, new int[] {10})).isSameAs(noise);
    }
  }

  /**
   * A model.json written before v-prediction, the pooled condition and the position embedding
   * existed reads as epsilon, no pooling, no positions.
   */
  @Test
  void configurationsWithoutTheNewKeysReadAsBefore() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    NoiseScheduleConfig schedule = json.readValue("{\"numTrainTimesteps\":1000,\"betaStart\":1.0E-4,\"betaEnd\":0.02,"
        + "\"betaSchedule\":\"LINEAR\",\"timestepSpacing\":\"TRAILING\",\"setAlphaToOne\":true,\"stepsOffset\":0}",
        NoiseScheduleConfig.class);
    assertThat(schedule.predictionType()).isEqualTo(PredictionType.EPSILON);
    assertThat(json.readValue(json.writeValueAsString(NoiseScheduleConfig.defaults()), NoiseScheduleConfig.class))
        .isEqualTo(NoiseScheduleConfig.defaults());
    UNetConfig unet = json.readValue("{\"sampleSize\":32,\"inChannels\":3,\"outChannels\":3,\"channels\":[32,64,64],"
        + "\"layersPerLevel\":1,\"attentionResolutions\":[16,8],\"conditionDim\":64,\"attentionHeads\":4,"
        + "\"normGroups\":8,\"timeEmbedDim\":128,\"dropout\":0.0}", UNetConfig.class);
    assertThat(unet.pooledCondition()).isFalse();
    assertThat(unet.positionEmbedding()).isFalse();
    assertThat(UNetConfig.defaults(64).pooledCondition()).isTrue();
    UNetConfig positioned = UNetConfig.defaults(64).withPositionEmbedding(true);
    assertThat(json.readValue(json.writeValueAsString(positioned), UNetConfig.class)).isEqualTo(positioned);
  }
}
