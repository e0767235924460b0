package io.graphpaint.trainingworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.schemas.Topic;
import io.graphpaint.worker.GenerationWorker;
import io.graphpaint.worker.WorkerConfig;
import io.graphpaint.worker.models.ArtifactModelLoader;
import io.graphpaint.worker.models.DeviceSelection;
import io.graphpaint.worker.models.ModelManager;
import io.graphpaint.worker.ops.WorkerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A running generation worker swaps to the version the training worker publishes as promoted. The
 * gate's tolerances are opened wide here so that the tiny, briefly trained model is promoted; the
 * gate itself is tested in {@link PromotionGateTest} and against the event's metrics in
 * {@link TrainingWorkerFlowTest}.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class HotSwapTest {

  private static final String MODEL = "swap";

  @Test
  void generationWorkerServesThePromotedVersion(DevStack stack) throws Exception {
    try (TrainingFixture fixture = new TrainingFixture(stack);
        TrainingFixture.TopicReader<ModelPublished> published = fixture.reader(Topic.MODELS);
        ArtifactModelLoader loader = new ArtifactModelLoader(fixture.store,
            Files.createTempDirectory("graphpaint-swap-cache"), DeviceSelection.parse("cpu"))) {
      WorkerConfig generationConfig = WorkerConfig.from(Map.of(
          WorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
          WorkerConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl(),
          WorkerConfig.WORKER_ID, "generation-1",
          WorkerConfig.GROUP_ID, "swap-generation-workers",
          WorkerConfig.MODEL_NAME, MODEL,
          WorkerConfig.MODEL_DEFAULT_DIR, fixture.defaultModel.toString(),
          WorkerConfig.HTTP_PORT, "-1"), Map.of());
      ModelManager models = new ModelManager(MODEL, 2, loader,
          new WorkerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
      GenerationWorker generation = new GenerationWorker(generationConfig, fixture.store, fixture.registry, models,
          new WorkerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
      Map<String, Object> props = fixture.workerProperties("swap-trainer", 8);
      props.put(TrainingWorkerConfig.GATE_RELATION_TOLERANCE, "1.0");
      props.put(TrainingWorkerConfig.GATE_FID_TOLERANCE, "100");
      TrainingWorker trainer = new TrainingWorker(TrainingWorkerConfig.from(props, Map.of()), fixture.store,
          fixture.registry, new TrainingMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
      generation.start();
      trainer.start();
      try {
        assertThat(models.current().version()).isEqualTo("default");
        String manifest = fixture.writeShapesDataset("shapes-swap", "v1", 31, 16, 4);
        fixture.send(MODEL, "shapes-swap", "v1", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);
        String version = VersionNames.modelVersion("shapes-swap", "v1");
        ModelPublished record = published.await(m -> m.getModelName().equals(MODEL) && m.getVersion().equals(version),
            Duration.ofMinutes(3)).value();
        assertThat(record.getPromoted()).isTrue();
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
            assertThat(models.current().version()).isEqualTo(version));
        assertThat(models.current().vocabulary().numObjectIds()).isEqualTo(25);
      } finally {
        trainer.shutdown();
        generation.shutdown();
      }
    }
  }
}
