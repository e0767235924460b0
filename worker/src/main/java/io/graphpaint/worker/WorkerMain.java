package io.graphpaint.worker;

import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.worker.models.ArtifactModelLoader;
import io.graphpaint.worker.models.DeviceSelection;
import io.graphpaint.worker.models.ModelManager;
import io.graphpaint.service.HealthServer;
import io.graphpaint.service.ServiceSettings;
import io.graphpaint.worker.ops.WorkerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a generation worker until SIGTERM / SIGINT. Configuration: {@code GRAPHPAINT_WORKER_*}
 * environment variables (see {@link WorkerConfig}) and {@code -Dgraphpaint.worker.*} system
 * properties; the object store from {@code GRAPHPAINT_S3_*}. Secrets come only from the
 * environment or files and are never logged.
 */
public final class WorkerMain {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    WorkerConfig config = ServiceSettings.orExit(
        () -> WorkerConfig.from(ServiceSettings.systemProperties(WorkerConfig.PREFIX), System.getenv()));
    ObjectStoreConfig storeConfig = ObjectStoreConfig.fromEnvironment(System.getenv());
    LOG.info("Starting with {} and object store {}", config, storeConfig);

    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WorkerMetrics metrics = new WorkerMetrics(meters);
    Path cacheDir = config.modelCacheDir().isBlank()
        ? Files.createTempDirectory("graphpaint-models") : Path.of(config.modelCacheDir());
    try (ObjectStore store = ObjectStore.open(storeConfig);
        SchemaRegistryClient registry = SchemaRegistryClient.create(config.schemaRegistryUrl());
        ArtifactModelLoader loader = new ArtifactModelLoader(store, cacheDir, DeviceSelection.parse(config.device()),
            config.wholeBatchUNet())) {
      store.ensureBuckets();
      if (config.createTopics()) {
        try (Admin admin = Admin.create(config.kafkaClientSettings())) {
          new TopicAdmin(admin, TopicAdmin.Settings.singleBroker().withReplicationFactor(config.topicReplicationFactor()))
              .ensureAllTopics();
        }
      }
      ModelManager models = new ModelManager(config.modelName(), config.modelCacheSize(), loader, metrics);
      GenerationWorker worker = new GenerationWorker(config, store, registry, models, metrics);
      // SIGTERM / SIGINT: stop polling, finish or hand back the running batch, commit, leave the group
      Runtime.getRuntime().addShutdownHook(new Thread(worker::shutdown, "graphpaint-worker-shutdown"));
      worker.start();
      try (HealthServer http = config.httpPort() < 0 ? null : new HealthServer("worker", config.httpPort(), worker::isReady,
          () -> "model " + (models.isLoaded() ? models.current() : "none") + ", assigned " + worker.isAssigned(), meters)) {
        if (http != null) {
          LOG.info("Health, readiness and metrics on port {}", http.port());
        }
        while (worker.isRunning()) {
          Thread.sleep(500);
        }
        worker.shutdown(); // returns once closed, whoever started the shutdown
      }
    }
  }
}
