package io.graphpaint.trainingworker;

import static io.graphpaint.trainingworker.TrainingFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.TrainingState;
import io.graphpaint.events.TrainingStatus;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.schemas.Topic;
import io.graphpaint.storage.ObjectKeys;
import io.graphpaint.storage.ObjectSummary;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A training worker in its own JVM is killed with SIGKILL in the middle of training; a worker that
 * takes over the partition continues from the checkpoint in the object store and publishes exactly
 * one version, and a repeat of the same update publishes nothing new. Scaled down: tiny model,
 * 40 steps (20 + 20), checkpoint every 4 steps.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class CrashResumeTest {

  private static final int STEPS = 40;
  private static final String MODEL = "crash";

  @Test
  void killedMidTrainingResumesFromItsCheckpointAndPublishesOnce(DevStack stack) throws Exception {
    try (TrainingFixture fixture = new TrainingFixture(stack);
        TrainingFixture.TopicReader<TrainingStatus> statuses = fixture.reader(Topic.TRAINING);
        TrainingFixture.TopicReader<ModelPublished> models = fixture.reader(Topic.MODELS)) {
      String manifest = fixture.writeShapesDataset("shapes-crash", "v1", 21, 24, 4);
      String job = VersionNames.job(MODEL, "shapes-crash", "v1");
      String version = VersionNames.modelVersion("shapes-crash", "v1");

      Process child = startChild(fixture, "child-1");
      long checkpointStep;
      try {
        fixture.send(MODEL, "shapes-crash", "v1", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);
        // let it train past a checkpoint, then kill it without warning
        statuses.await(s -> s.getWorkerId().equals("child-1") && s.getState() == TrainingState.RUNNING
            && s.getStage() != null && s.getStage().equals("align") && s.getStep() >= 10, Duration.ofMinutes(3));
        checkpointStep = latestCompleteCheckpoint(fixture, job);
        assertThat(checkpointStep).isGreaterThanOrEqualTo(8);
      } finally {
        child.destroyForcibly().waitFor();
      }
      statuses.drain(Duration.ofMillis(500));
      assertThat(statuses.values()).noneMatch(s -> s.getDatasetId().equals("shapes-crash")
          && s.getState() == TrainingState.PUBLISHED);
      assertThat(models.values()).noneMatch(m -> m.getModelName().equals(MODEL));
      long checkpointAfterKill = latestCompleteCheckpoint(fixture, job);

      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      TrainingWorker resumer = new TrainingWorker(
          TrainingWorkerConfig.from(settings(fixture, "resumer"), Map.of()), fixture.store, fixture.registry,
          new TrainingMetrics(meters));
      resumer.start();
      try {
        TrainingStatus published = statuses.await(state("shapes-crash", "v1", TrainingState.PUBLISHED),
            Duration.ofMinutes(3)).value();
        assertThat(published.getWorkerId()).isEqualTo("resumer");
        assertThat(published.getModelVersion()).isEqualTo(version);
        // the resumer's first step report comes after the checkpoint, not from step 1
        int firstResumedStep = statuses.values().stream()
            .filter(s -> s.getWorkerId().equals("resumer") && s.getState() == TrainingState.RUNNING
                && ("align".equals(s.getStage()) || "finetune".equals(s.getStage())))
            .mapToInt(TrainingStatus::getStep).min().orElseThrow();
        assertThat((long) firstResumedStep).isGreaterThan(checkpointAfterKill);
        assertThat(meters.scrape()).contains("graphpaint_training_resumed_total 1.0");

        // a repeat of the update is recognised as published and makes no second version
        fixture.send(MODEL, "shapes-crash", "v1", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);
        statuses.await(s -> s.getDatasetId().equals("shapes-crash") && s.getState() == TrainingState.PUBLISHED
            && s.getMessage() != null && s.getMessage().contains("already published"), Duration.ofMinutes(1));
        models.drain(Duration.ofSeconds(1));
        List<ModelPublished> versions = models.values().stream().filter(m -> m.getModelName().equals(MODEL)).toList();
        assertThat(versions).hasSize(1);
        assertThat(versions.get(0).getVersion()).isEqualTo(version);
        assertThat(versions.get(0).getMetrics().get("steps")).isEqualTo((double) STEPS);
        assertThat(fixture.store.list("graphpaint-models", ObjectKeys.checkpointJobPrefix(job))).isEmpty();
      } finally {
        resumer.shutdown();
      }
    }
  }

  private static Map<String, Object> settings(TrainingFixture fixture, String workerId) {
    Map<String, Object> props = fixture.workerProperties(workerId, STEPS);
    props.put(TrainingWorkerConfig.PROGRESS_EVERY, "1");
    return props;
  }

  /** The newest step with a complete checkpoint (its marker written). */
  private static long latestCompleteCheckpoint(TrainingFixture fixture, String job) {
    String prefix = ObjectKeys.checkpointJobPrefix(job);
    return fixture.store.list("graphpaint-models", prefix).stream()
        .map(ObjectSummary::key)
        .filter(key -> key.endsWith("/" + RemoteCheckpoints.MARKER))
        .mapToLong(key -> ObjectKeys.checkpointStep(job, key))
        .max().orElse(-1);
  }

  /** TrainingWorkerMain in a child JVM, configured only through the environment. */
  private static Process startChild(TrainingFixture fixture, String workerId) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
        "-cp", System.getProperty("java.class.path"), TrainingWorkerMain.class.getName());
    Map<String, String> env = builder.environment();
    settings(fixture, workerId).forEach((key, value) -> env.put(
        key.toUpperCase(Locale.ROOT).replace('.', '_'), value.toString()));
    env.putAll(fixture.objectStoreEnvironment());
    env.put("DJL_OFFLINE", "true");
    env.put("OPT_OUT_TRACKING", "true");
    File log = fixture.scratch.resolve(workerId + ".log").toFile();
    builder.redirectErrorStream(true).redirectOutput(log);
    return builder.start();
  }
}
