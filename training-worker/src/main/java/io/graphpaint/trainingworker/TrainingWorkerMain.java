package io.graphpaint.trainingworker;

import io.graphpaint.service.HealthServer;
import io.graphpaint.service.ServiceSettings;
import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a training worker until SIGTERM / SIGINT. Configuration: {@code GRAPHPAINT_TRAINING_*}
 * environment variables and {@code -Dgraphpaint.training.*} system properties (see
 * {@link TrainingWorkerConfig}); the object store from {@code GRAPHPAINT_S3_*}. Secrets come only
 * from the environment or files and are never logged.
 */
public final class TrainingWorkerMain {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingWorkerMain.class);

  private TrainingWorkerMain() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    TrainingWorkerConfig config = ServiceSettings.orExit(
        () -> TrainingWorkerConfig.from(ServiceSettings.systemProperties(TrainingWorkerConfig.PREFIX), System.getenv()));
    ObjectStoreConfig storeConfig = ObjectStoreConfig.fromEnvironment(System.getenv());
    LOG.info("Starting with {} and object store {}", config, storeConfig);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ObjectStore store = ObjectStore.open(storeConfig);
        SchemaRegistryClient registry = SchemaRegistryClient.create(config.schemaRegistryUrl())) {
      store.ensureBuckets();
      try (Admin admin = Admin.create(config.kafkaClientSettings())) {
        new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()).ensureAllTopics();
      }
      TrainingWorker worker = new TrainingWorker(config, store, registry, new TrainingMetrics(meters));
      Runtime.getRuntime().addShutdownHook(new Thread(worker::shutdown, "graphpaint-training-shutdown"));
      worker.start();
      try (HealthServer http = config.httpPort() < 0 ? null
          : new HealthServer("training", config.httpPort(), worker::isReady, worker::describe, meters)) {
        if (http != null) {
          LOG.info("Health, readiness and metrics on port {}", http.port());
        }
        while (worker.isRunning()) {
          Thread.sleep(500);
        }
      }
    }
  }
}
