package io.graphpaint.cli;

import io.graphpaint.orchestrator.config.OrchestratorConfig;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.trainingworker.TrainingWorkerConfig;
import io.graphpaint.worker.WorkerConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The configuration reference, generated from the services' {@link ConfigDef} declarations (and the
 * object-store environment names of {@link ObjectStoreConfig}), so that {@code docs/configuration.md}
 * never drifts from the code: a test regenerates it and fails when the committed file differs.
 */
final class ConfigReference {

  /** A service's declared keys and how its environment variables are named. */
  record Service(String name, String command, String composeService, ConfigDef definition, String notes) {
    /** The environment variable that overrides {@code key}: upper case, dots as underscores. */
    String environmentName(String key) {
      return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
  }

  /** Every service whose configuration is declared with ConfigDef, in the order the reference lists them. */
  static List<Service> services() {
    return List.of(
        new Service("orchestrator", "graphpaint orchestrator", "orchestrator", OrchestratorConfig.DEFINITION,
            "Keys under `" + OrchestratorConfig.KAFKA_CLIENT_PREFIX + "` pass through to every Kafka client "
                + "(e.g. `GRAPHPAINT_KAFKA_CLIENT_SECURITY_PROTOCOL=SSL`)."),
        new Service("worker", "graphpaint worker", "worker", WorkerConfig.configDef(),
            "Keys under `" + WorkerConfig.KAFKA_PASSTHROUGH_PREFIX + "` pass through to every Kafka client "
                + "(e.g. `GRAPHPAINT_WORKER_KAFKA_CLIENT_SECURITY_PROTOCOL=SSL`); their values are never logged."),
        new Service("training worker", "graphpaint training-worker", "training-worker", TrainingWorkerConfig.configDef(),
            "Keys under `" + TrainingWorkerConfig.KAFKA_PASSTHROUGH_PREFIX + "` pass through to every Kafka client "
                + "(e.g. `GRAPHPAINT_TRAINING_KAFKA_CLIENT_SECURITY_PROTOCOL=SSL`); their values are never logged."));
  }

  /** What each object-store environment variable means; every ENV_* constant must have an entry. */
  static final Map<String, String> OBJECT_STORE_DOCS = objectStoreDocs();

  private static Map<String, String> objectStoreDocs() {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put(ObjectStoreConfig.ENV_ENDPOINT, "Base URL of the S3 API, http(s)://host:port (required).");
    docs.put(ObjectStoreConfig.ENV_ACCESS_KEY, "Access key id (required).");
    docs.put(ObjectStoreConfig.ENV_SECRET_KEY, "Secret key; or give a file with the next variable (one of the two is required).");
    docs.put(ObjectStoreConfig.ENV_SECRET_KEY_FILE, "File holding the secret key (e.g. a mounted secret).");
    docs.put(ObjectStoreConfig.ENV_REGION, "Signing region (default " + ObjectStoreConfig.DEFAULT_REGION + ").");
    docs.put(ObjectStoreConfig.ENV_TRUSTED_CERTIFICATES, "PEM file of CA certificates that replaces the JVM trust store (HTTPS only).");
    docs.put(ObjectStoreConfig.ENV_BUCKET_IMAGES, "Bucket of generated images (default "
        + ObjectStoreConfig.Buckets.DEFAULT.images() + ").");
    docs.put(ObjectStoreConfig.ENV_BUCKET_MODELS, "Bucket of model versions and checkpoints (default "
        + ObjectStoreConfig.Buckets.DEFAULT.models() + ").");
    docs.put(ObjectStoreConfig.ENV_BUCKET_DATASETS, "Bucket of datasets (default "
        + ObjectStoreConfig.Buckets.DEFAULT.datasets() + ").");
    docs.put(ObjectStoreConfig.ENV_CONNECT_TIMEOUT_MS, "Connect timeout in ms.");
    docs.put(ObjectStoreConfig.ENV_READ_TIMEOUT_MS, "Read timeout in ms.");
    docs.put(ObjectStoreConfig.ENV_WRITE_TIMEOUT_MS, "Write timeout in ms.");
    return docs;
  }

  /** The object-store environment variables the storage module reads (its ENV_* constants). */
  static List<String> objectStoreEnvironment() {
    List<String> names = new ArrayList<>();
    for (Field field : ObjectStoreConfig.class.getFields()) {
      if (field.getName().startsWith("ENV_") && Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        try {
          names.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return names;
  }

  static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# graphpaint configuration reference\n\n");
    md.append("Generated from the services' `ConfigDef` declarations by `graphpaint config-docs`; ")
        .append("do not edit by hand (`ConfigurationDocsTest` fails when this file and the code disagree).\n\n");
    md.append("Every key can be set in a properties file (`--config FILE`) and overridden by the environment ")
        .append("variable named after it: upper case, dots as underscores. compose.yaml uses exactly these names.\n");
    for (Service service : services()) {
      md.append("\n## ").append(service.name()).append(" (`").append(service.command()).append("`)\n\n");
      md.append(service.notes()).append("\n\n");
      md.append("| key | environment | type | default | valid values | importance | description |\n");
      md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
      for (ConfigDef.ConfigKey key : service.definition().configKeys().values()) {
        md.append("| `").append(key.name).append("` | `").append(service.environmentName(key.name)).append("` | ")
            .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
            .append(cell(defaultText(key))).append(" | ")
            .append(cell(key.validator == null ? "" : key.validator.toString())).append(" | ")
            .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
            .append(cell(key.documentation)).append(" |\n");
      }
    }
    md.append("\n## object storage (every service)\n\n");
    md.append("Read from the environment only (credentials never come from command lines or logged files).\n\n");
    md.append("| environment | description |\n| --- | --- |\n");
    for (String name : objectStoreEnvironment()) {
      String doc = OBJECT_STORE_DOCS.get(name);
      if (doc == null) {
        throw new IllegalStateException("ObjectStoreConfig reads " + name + " but ConfigReference has no description of it");
      }
      md.append("| `").append(name).append("` | ").append(cell(doc)).append(" |\n");
    }
    return md.toString();
  }

  private static String defaultText(ConfigDef.ConfigKey key) {
    if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
      return "(required)";
    }
    if (key.defaultValue == null) {
      return "(unset)";
    }
    if (key.type == ConfigDef.Type.PASSWORD) {
      return "(hidden)";
    }
    String text = ConfigDef.convertToString(key.defaultValue, key.type);
    // defaults derived from this machine's temp directory are shown symbolically
    String tmp = Path.of(System.getProperty("java.io.tmpdir")).toString();
    if (text.startsWith(tmp + "/")) {
      text = "${java.io.tmpdir}" + text.substring(tmp.length());
    }
    return text.isEmpty() ? "\"\"" : "`" + text + "`";
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
