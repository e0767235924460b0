package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays diffusers' DDIMScheduler runs recorded in {@code shared/fixtures/ddim}: schedules,
 * timesteps, every DDIM step (eta 0 and 0.5) and add_noise, driven by the fixture's stand-in
 * network {@code eps(x, t) = 0.1 x cos(t / 100) + 0.01 t / 1000}.
 */
class DdimFixtureTest {

  /**
   * 1e-5, absolute for values below 1 and relative above: the replayed samples grow to ~200 (and
   * the pure-noise end of add_noise to ~3e4), where float32 spacing alone exceeds 1e-5. Observed:
   * at most 1.4e-6.
   */
  private static final double TOLERANCE = 1e-5;
  private static NDManager manager;
  private static Map<String, NDArray> expected;
  private static JsonNode cases;

  @BeforeAll
  static void load() throws IOException {
    Path dir = SharedFixtures.dir("ddim");
    manager = NDManager.newBaseManager();
    expected = new HashMap<>();
    try (InputStream in = Files.newInputStream(dir.resolve("expected.safetensors"))) {
      for (NDArray array : NDList.decode(manager, in)) {
        expected.put(array.getName(), array);
      }
    }
    cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static NoiseScheduleConfig config(JsonNode node) {
    return new NoiseScheduleConfig(
        node.get("num_train_timesteps").asInt(),
        node.path("beta_start").asDouble(1e-4),
        node.path("beta_end").asDouble(0.02),
        BetaSchedule.fromDiffusersName(node.get("beta_schedule").asText()),
        TimestepSpacing.fromDiffusersName(node.get("timestep_spacing").asText()),
        node.get("set_alpha_to_one").asBoolean(),
        node.get("steps_offset").asInt());
  }

  private static NDArray get(String name) {
    NDArray array = expected.get(name);
    assertThat(array).as("fixture tensor %s", name).isNotNull();
    return array;
  }

  /** Largest |actual - wanted| / max(1, |wanted|): absolute near 0, relative for large values. */
  private static double maxScaledDiff(float[] actual, float[] wanted) {
    assertThat(actual).hasSameSizeAs(wanted);
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      double diff = Math.abs((double) actual[i] - wanted[i]);
      max = Math.max(max, diff / Math.max(1.0, Math.abs(wanted[i])));
    }
    return max;
  }

  /** The fixture's stand-in network, in torch's float32 arithmetic. */
  private static NDArray standInEpsilon(NDArray x, int t) {
    float cos = (float) Math.cos(t / 100.0);
    float shift = (float) (0.01 * t / 1000.0);
    try (NDArray scaled = x.mul(0.1f);
        NDArray modulated = scaled.mul(cos)) {
      return modulated.add(shift);
    }
  }

  @Test
  void alphasCumprodMatchDiffusersForAllSchedules() {
    Iterator<Map.Entry<String, JsonNode>> it = cases.get("configs").fields();
    int checked = 0;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> entry = it.next();
      NoiseSchedule schedule = new NoiseSchedule(config(entry.getValue()));
      float[] wanted = get(entry.getKey() + ".alphas_cumprod").toFloatArray();
      assertThat(maxScaledDiff(schedule.alphasCumprod(), wanted))
          .as("alphas_cumprod of %s", entry.getKey())
          .isLessThanOrEqualTo(1e-7);
      checked++;
    }
    assertThat(checked).isEqualTo(3);
  }

  @Test
  void timestepsOfEveryRunMatch() {
    Iterator<Map.Entry<String, JsonNode>> it = cases.get("runs").fields();
    int checked = 0;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> run = it.next();
      String scheduleKey = run.getKey().substring(0, run.getKey().indexOf('.'));
      NoiseSchedule schedule = new NoiseSchedule(config(cases.get("configs").get(scheduleKey)));
      int[] wanted = new int[run.getValue().get("timesteps").size()];
      for (int i = 0; i < wanted.length; i++) {
        wanted[i] = run.getValue().get("timesteps").get(i).asInt();
      }
      assertThat(schedule.inferenceTimesteps(run.getValue().get("steps").asInt()))
          .as("timesteps of %s", run.getKey())
          .containsExactly(wanted);
      checked++;
    }
    assertThat(checked).isEqualTo(9);
  }

  @Test
  void everyDdimStepAndFinalSampleMatch() {
    Iterator<Map.Entry<String, JsonNode>> it = cases.get("runs").fields();
    int stepsChecked = 0;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> run = it.next();
      String key = run.getKey();
      String scheduleKey = key.substring(0, key.indexOf('.'));
      DdimScheduler scheduler =
          new DdimScheduler(config(cases.get("configs").get(scheduleKey)));
      int steps = run.getValue().get("steps").asInt();
      float eta = (float) run.getValue().get("eta").asDouble();
      try (NDManager runManager = manager.newSubManager()) {
        NDArray x = get("x_T").duplicate();
        x.attach(runManager);
        int[] timesteps = scheduler.timesteps(steps);
        for (int i = 0; i < timesteps.length; i++) {
          NDArray eps = standInEpsilon(x, timesteps[i]);
          NDArray noise = eta > 0 ? get("variance_noise_" + i) : null;
          x = scheduler.step(eps, timesteps[i], steps, x, eta, noise);
          if (steps == 10) {
            assertThat(maxScaledDiff(x.toFloatArray(), get(key + ".after_step_" + i).toFloatArray()))
                .as("%s after step %d (t = %d)", key, i, timesteps[i])
                .isLessThanOrEqualTo(TOLERANCE);
          }
          stepsChecked++;
        }
        assertThat(maxScaledDiff(x.toFloatArray(), get(key + ".final").toFloatArray()))
            .as("%s final", key)
            .isLessThanOrEqualTo(TOLERANCE);
      }
    }
    assertThat(stepsChecked).isEqualTo(3 * (10 + 50 + 10));
  }

  @Test
  void addNoiseMatches() {
    Iterator<Map.Entry<String, JsonNode>> it = cases.get("configs").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> entry = it.next();
      NoiseSchedule schedule = new NoiseSchedule(config(entry.getValue()));
      for (int t : new int[] {0, 1, 250, 999}) {
        try (NDManager local = manager.newSubManager()) {
          NDArray x0 = get("x_0").duplicate();
          x0.attach(local);
          NDArray noisy = schedule.addNoise(x0, get("noise"), new int[] {t, t});
          assertThat(
                  maxScaledDiff(
                      noisy.toFloatArray(),
                      get(entry.getKey() + ".add_noise_t" + t).toFloatArray()))
              .as("%s add_noise at t = %d", entry.getKey(), t)
              .isLessThanOrEqualTo(TOLERANCE);
        }
      }
    }
  }
}
