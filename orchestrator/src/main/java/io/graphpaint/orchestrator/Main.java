package io.graphpaint.orchestrator;

import io.graphpaint.orchestrator.config.OrchestratorConfig;
import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs one orchestrator: {@code java -cp ... io.graphpaint.orchestrator.Main [config.properties]}.
 * Settings come from the file (if given) overridden by {@code GRAPHPAINT_*} environment variables;
 * object storage from {@code GRAPHPAINT_S3_*} (image URLs and the model vocabulary need it).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println("Usage: orchestrator [config.properties]\n\n" + OrchestratorConfig.describe());
      return;
    }
    OrchestratorConfig config;
    try {
      config = OrchestratorConfig.load(args.length > 0 ? readProperties(Path.of(args[0])) : Map.of(), System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    String registryUrl = config.schemaRegistryUrl().orElseThrow(() -> new ConfigException(
        "graphpaint.schema.registry.url (env GRAPHPAINT_SCHEMA_REGISTRY_URL) must be set"));
    Optional<ObjectStore> store = System.getenv(ObjectStoreConfig.ENV_ENDPOINT) == null ? Optional.empty()
        : Optional.of(ObjectStore.open(ObjectStoreConfig.fromEnvironment(System.getenv())));
    try (SchemaRegistryClient registry = SchemaRegistryClient.create(registryUrl)) {
      if (config.createTopics()) {
        try (Admin admin = Admin.create(config.kafkaClientProperties())) {
          new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()
              .withReplicationFactor(config.topicReplicationFactor())).ensureAllTopics();
        }
      }
      CountDownLatch stopped = new CountDownLatch(1);
      try (OrchestratorApp app = OrchestratorApp.start(config, new RegistryAvroSerdes(registry), store)) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          app.close();
          stopped.countDown();
        }, "graphpaint-orchestrator-shutdown"));
        stopped.await();
      }
    } finally {
      store.ifPresent(ObjectStore::close);
    }
  }

  private static Map<String, Object> readProperties(Path file) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    }
    Map<String, Object> out = new HashMap<>();
    properties.forEach((k, v) -> out.put(k.toString(), v));
    return out;
  }
}
