package io.graphpaint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.orchestrator.config.OrchestratorConfig;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.trainingworker.TrainingWorkerConfig;
import io.graphpaint.worker.WorkerConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * compose.yaml is wired like the code: every GRAPHPAINT_* variable a service sets is a key its
 * ConfigDef declares (or an object-store variable, or a Kafka client pass-through), every required
 * key is set, and every endpoint points at the right service and port.
 */
class ComposeFileTest {

  private static Map<String, Object> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws IOException {
    try (Reader reader = Files.newBufferedReader(RepositoryRoot.find().resolve("compose.yaml"))) {
      Map<String, Object> compose = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      services = (Map<String, Object>) compose.get("services");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) {
    assertThat(services).as("compose services").containsKey(name);
    return (Map<String, Object>) services.get(name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(String name) {
    Map<String, Object> raw = (Map<String, Object>) service(name).getOrDefault("environment", Map.of());
    Map<String, String> env = new java.util.TreeMap<>();
    raw.forEach((key, value) -> env.put(key, String.valueOf(value)));
    return env;
  }

  private static Set<String> declaredVariables(ConfigDef definition) {
    Set<String> names = new TreeSet<>();
    definition.names().forEach(key -> names.add(OrchestratorConfig.envName(key)));
    return names;
  }

  private static void assertOnlyDeclaredKeys(String service, ConfigDef definition, String passThroughPrefix) {
    Set<String> allowed = new HashSet<>(declaredVariables(definition));
    allowed.addAll(ConfigReference.objectStoreEnvironment());
    String passThrough = OrchestratorConfig.envName(passThroughPrefix);
    for (String name : environment(service).keySet()) {
      assertThat(allowed.contains(name) || name.startsWith(passThrough))
          .as(service + " sets " + name + ", which its configuration does not declare")
          .isTrue();
    }
  }

  @Test
  void everyVariableIsAKeyTheServiceDeclares() {
    assertOnlyDeclaredKeys("orchestrator", OrchestratorConfig.DEFINITION, OrchestratorConfig.KAFKA_CLIENT_PREFIX);
    assertOnlyDeclaredKeys("worker", WorkerConfig.configDef(), WorkerConfig.KAFKA_PASSTHROUGH_PREFIX);
    assertOnlyDeclaredKeys("training-worker", TrainingWorkerConfig.configDef(), TrainingWorkerConfig.KAFKA_PASSTHROUGH_PREFIX);
  }

  @Test
  void upSetsOnlyDeclaredKeysToo() {
    UpCommand.Endpoints endpoints = new UpCommand.Endpoints("127.0.0.1:9092", "http://127.0.0.1:8081/apis/ccompat/v7",
        "http://127.0.0.1:9000", "access", "secret", "us-east-1");
    java.nio.file.Path data = java.nio.file.Path.of("data");
    java.nio.file.Path model = java.nio.file.Path.of("models", "default");
    assertDeclared("up's orchestrator", UpCommand.orchestratorEnvironment(endpoints, "127.0.0.1", data, 8080, model, true),
        OrchestratorConfig.DEFINITION);
    assertDeclared("up's worker", UpCommand.workerEnvironment(endpoints, "cpu", data, 1, 8090, model),
        WorkerConfig.configDef());
    assertDeclared("up's training worker", UpCommand.trainingWorkerEnvironment(endpoints, data, 8091, model, true),
        TrainingWorkerConfig.configDef());
    // and the values parse: each service's own loader accepts the environment up gives it
    OrchestratorConfig.load(Map.of(), UpCommand.orchestratorEnvironment(endpoints, "127.0.0.1", data, 8080, model, true));
    WorkerConfig.from(Map.of(), UpCommand.workerEnvironment(endpoints, "cpu", data, 1, 8090, model));
    TrainingWorkerConfig.from(Map.of(), UpCommand.trainingWorkerEnvironment(endpoints, data, 8091, model, true));
  }

  private static void assertDeclared(String who, Map<String, String> env, ConfigDef definition) {
    Set<String> allowed = new HashSet<>(declaredVariables(definition));
    allowed.addAll(ConfigReference.objectStoreEnvironment());
    assertThat(allowed).as(who + " sets only declared keys").containsAll(env.keySet());
  }

  @Test
  void theCheckRejectsAnUndeclaredName() {
    // the same rule must fail on a misspelt key, or the test above proves nothing
    Set<String> declared = declaredVariables(WorkerConfig.configDef());
    assertThat(declared).contains("GRAPHPAINT_WORKER_BATCH_MAX_SIZE").doesNotContain("GRAPHPAINT_WORKER_BATCH_SIZE");
    assertThat(declaredVariables(OrchestratorConfig.DEFINITION)).doesNotContain("GRAPHPAINT_WORKER_KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void requiredKeysAreSet() {
    for (var entry : Map.of("orchestrator", OrchestratorConfig.DEFINITION, "worker", WorkerConfig.configDef(),
        "training-worker", TrainingWorkerConfig.configDef()).entrySet()) {
      for (ConfigDef.ConfigKey key : entry.getValue().configKeys().values()) {
        if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
          assertThat(environment(entry.getKey())).as(entry.getKey() + " must set the required " + key.name)
              .containsKey(OrchestratorConfig.envName(key.name));
        }
      }
    }
    // the orchestrator's registry URL has an empty default but its main refuses to start without it
    assertThat(environment("orchestrator")).containsKey("GRAPHPAINT_SCHEMA_REGISTRY_URL");
  }

  @Test
  @SuppressWarnings("unchecked")
  void servicesPointAtKafkaTheRegistryAndMinio() {
    String kafkaListener = environment("kafka").get("KAFKA_ADVERTISED_LISTENERS");
    assertThat(kafkaListener).startsWith("PLAINTEXT://");
    String kafkaAddress = kafkaListener.substring("PLAINTEXT://".length());
    assertThat(kafkaAddress).isEqualTo("kafka:9092");
    assertThat(environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");

    String registryPort = environment("schema-registry").get("QUARKUS_HTTP_PORT");
    URI registry = URI.create("http://schema-registry:" + registryPort + EmbeddedRegistryPath.PATH);

    String minioCommand = String.valueOf(service("minio").get("command"));
    assertThat(minioCommand).startsWith("server /data");
    URI minio = URI.create("http://minio:9000");

    Map<String, List<String>> endpointsByService = Map.of(
        "orchestrator", List.of("GRAPHPAINT_KAFKA_BOOTSTRAP_SERVERS", "GRAPHPAINT_SCHEMA_REGISTRY_URL"),
        "worker", List.of("GRAPHPAINT_WORKER_KAFKA_BOOTSTRAP_SERVERS", "GRAPHPAINT_WORKER_SCHEMA_REGISTRY_URL"),
        "training-worker", List.of("GRAPHPAINT_TRAINING_KAFKA_BOOTSTRAP_SERVERS", "GRAPHPAINT_TRAINING_SCHEMA_REGISTRY_URL"));
    endpointsByService.forEach((name, keys) -> {
      Map<String, String> env = environment(name);
      assertThat(env.get(keys.get(0))).as(name + " kafka").isEqualTo(kafkaAddress);
      assertThat(URI.create(env.get(keys.get(1)))).as(name + " registry").isEqualTo(registry);
      assertThat(URI.create(env.get(ObjectStoreConfig.ENV_ENDPOINT))).as(name + " s3").isEqualTo(minio);
      assertThat(env).as(name + " takes the S3 secret from a file, not the compose file")
          .containsKey(ObjectStoreConfig.ENV_SECRET_KEY_FILE).doesNotContainKey(ObjectStoreConfig.ENV_SECRET_KEY);
      assertThat((List<String>) service(name).get("secrets")).as(name + " secrets").contains("s3_secret_key");
      // the same file the object store config reads must parse for this service
      assertThat(env.get(ObjectStoreConfig.ENV_ACCESS_KEY)).isEqualTo(environment("minio").get("MINIO_ROOT_USER"));
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void minioInitMakesEveryBucketTheServicesUse() {
    String script = String.join("\n", (List<String>) service("minio-init").get("entrypoint"));
    for (String service : List.of("orchestrator", "worker", "training-worker")) {
      Map<String, String> env = environment(service);
      for (String key : List.of(ObjectStoreConfig.ENV_BUCKET_IMAGES, ObjectStoreConfig.ENV_BUCKET_MODELS,
          ObjectStoreConfig.ENV_BUCKET_DATASETS)) {
        String bucket = env.getOrDefault(key, defaultBucket(key));
        assertThat(script).as(service + " uses bucket " + bucket).contains("graphpaint/" + bucket);
      }
    }
  }

  private static String defaultBucket(String key) {
    ObjectStoreConfig.Buckets buckets = ObjectStoreConfig.Buckets.DEFAULT;
    return key.equals(ObjectStoreConfig.ENV_BUCKET_IMAGES) ? buckets.images()
        : key.equals(ObjectStoreConfig.ENV_BUCKET_MODELS) ? buckets.models() : buckets.datasets();
  }

  @Test
  @SuppressWarnings("unchecked")
  void workersScaleWithAGpuReservationAndEveryServiceHasAHealthCheck() {
    Map<String, Object> deploy = (Map<String, Object>) service("worker").get("deploy");
    assertThat((Integer) deploy.get("replicas")).isBetween(1, 12);
    Map<String, Object> reservations = (Map<String, Object>) ((Map<String, Object>) deploy.get("resources")).get("reservations");
    List<Map<String, Object>> devices = (List<Map<String, Object>>) reservations.get("devices");
    assertThat(devices).singleElement().satisfies(device -> assertThat((List<String>) device.get("capabilities")).contains("gpu"));
    assertThat(environment("worker").get("GRAPHPAINT_WORKER_DEVICE")).matches("gpu(:\\d+)?");

    for (String name : List.of("kafka", "schema-registry", "minio", "orchestrator", "worker", "training-worker")) {
      assertThat(service(name)).as(name + " health check").containsKey("healthcheck");
    }
    // the health checks probe the ports the services are told to listen on
    assertThat(String.valueOf(service("orchestrator").get("healthcheck")))
        .contains(":" + environment("orchestrator").get("GRAPHPAINT_HTTP_PORT") + "/ready");
    assertThat(String.valueOf(service("worker").get("healthcheck")))
        .contains(":" + environment("worker").get("GRAPHPAINT_WORKER_HTTP_PORT") + "/ready");
    assertThat(String.valueOf(service("training-worker").get("healthcheck")))
        .contains(":" + environment("training-worker").get("GRAPHPAINT_TRAINING_HTTP_PORT") + "/ready");
  }

  @Test
  @SuppressWarnings("unchecked")
  void dependenciesNameExistingServices() {
    services.forEach((name, definition) -> {
      Object dependsOn = ((Map<String, Object>) definition).get("depends_on");
      if (dependsOn instanceof Map<?, ?> map) {
        assertThat(services.keySet()).as(name + " depends_on").containsAll((Set<String>) map.keySet());
      }
    });
  }

  /** Where the Confluent-compatible API lives on Apicurio, as the embedded registry uses it. */
  static final class EmbeddedRegistryPath {
    static final String PATH = io.graphpaint.devstack.EmbeddedSchemaRegistry.CONFLUENT_API_PATH;
  }
}
