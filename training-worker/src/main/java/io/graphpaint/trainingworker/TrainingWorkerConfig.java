package io.graphpaint.trainingworker;

import io.graphpaint.service.ServiceSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the training worker, declared once with type, default, check and doc.
 *
 * <p>Keys are {@code graphpaint.training.*}; each can be overridden by the environment variable of
 * the upper-cased key with dots as underscores ({@code graphpaint.training.max.steps} &lt;-
 * {@code GRAPHPAINT_TRAINING_MAX_STEPS}). Kafka client settings (TLS, SASL) pass through under
 * {@value #KAFKA_PASSTHROUGH_PREFIX}; their values are never logged. Parsing reports every
 * invalid or unknown field in one {@link ConfigException}.
 */
public final class TrainingWorkerConfig extends AbstractConfig {

  public static final String PREFIX = "graphpaint.training.";
  public static final String ENV_PREFIX = "GRAPHPAINT_TRAINING_";
  public static final String KAFKA_PASSTHROUGH_PREFIX = PREFIX + ServiceSettings.KAFKA_CLIENT;

  public static final String BOOTSTRAP_SERVERS = PREFIX + "kafka.bootstrap.servers";
  public static final String SCHEMA_REGISTRY_URL = PREFIX + "schema.registry.url";
  public static final String WORKER_ID = PREFIX + "id";
  public static final String GROUP_ID = PREFIX + "group.id";
  public static final String GROUP_INSTANCE_ID = PREFIX + "group.instance.id";
  public static final String SESSION_TIMEOUT_MS = PREFIX + "session.timeout.ms";
  public static final String POLL_TIMEOUT_MS = PREFIX + "poll.timeout.ms";
  public static final String COALESCE_WINDOW_MS = PREFIX + "coalesce.window.ms";
  public static final String WORK_DIR = PREFIX + "work.dir";
  public static final String MODEL_DEFAULT_DIR = PREFIX + "model.default.dir";
  public static final String MODEL_DEFAULT_VERSION = PREFIX + "model.default.version";
  public static final String MAX_STEPS = PREFIX + "max.steps";
  public static final String ALIGNMENT_FRACTION = PREFIX + "alignment.fraction";
  public static final String MAX_WALL_TIME_MS = PREFIX + "max.wall.time.ms";
  public static final String BATCH_SIZE = PREFIX + "batch.size";
  public static final String LEARNING_RATE = PREFIX + "learning.rate";
  public static final String SEED = PREFIX + "seed";
  public static final String CHECKPOINT_EVERY = PREFIX + "checkpoint.every";
  public static final String CHECKPOINT_KEEP = PREFIX + "checkpoint.keep";
  public static final String MAX_SAMPLES = PREFIX + "max.samples";
  public static final String VALIDATION_SPLIT = PREFIX + "validation.split";
  public static final String EVAL_SAMPLES = PREFIX + "eval.samples";
  public static final String EVAL_STEPS = PREFIX + "eval.steps";
  public static final String EVAL_GUIDANCE = PREFIX + "eval.guidance";
  public static final String EVAL_FEATURES = PREFIX + "eval.features";
  public static final String GATE_RELATION_TOLERANCE = PREFIX + "gate.relation.accuracy.tolerance";
  public static final String GATE_FID_TOLERANCE = PREFIX + "gate.fid.tolerance";
  public static final String PROGRESS_EVERY = PREFIX + "progress.every";
  public static final String HTTP_PORT = PREFIX + "http.port";
  public static final String SHUTDOWN_TIMEOUT_MS = PREFIX + "shutdown.timeout.ms";

  static final ConfigDef DEFINITION = new ConfigDef()
      .define(BOOTSTRAP_SERVERS, Type.LIST, "localhost:9092", new NonEmptyList(), Importance.HIGH,
          "Kafka brokers, host:port[,host:port...].")
      .define(SCHEMA_REGISTRY_URL, Type.STRING, "http://localhost:8081", new NonBlank(), Importance.HIGH,
          "Base URL of the Confluent-compatible schema registry.")
      .define(WORKER_ID, Type.STRING, "", Importance.MEDIUM,
          "This worker's id, reported in events and part of its transactional id; host name and process id when empty.")
      .define(GROUP_ID, Type.STRING, "graphpaint-training-workers", new NonBlank(), Importance.MEDIUM,
          "Consumer group of the training workers; dataset updates are spread over its members by datasetId.")
      .define(GROUP_INSTANCE_ID, Type.STRING, "", Importance.MEDIUM,
          "Static membership id (e.g. the pod name); dynamic membership when empty.")
      .define(SESSION_TIMEOUT_MS, Type.INT, 45_000, Range.between(6_000, 1_800_000), Importance.LOW,
          "Consumer session timeout. Training does not count against it: the worker keeps polling while it trains.")
      .define(POLL_TIMEOUT_MS, Type.LONG, 200L, Range.between(1, 10_000), Importance.LOW,
          "Longest wait of one poll(); polling continues (partitions paused) while a job trains.")
      .define(COALESCE_WINDOW_MS, Type.LONG, 500L, Range.between(0, 600_000), Importance.MEDIUM,
          "After the first update arrives, keep collecting updates this long; several updates of one dataset "
              + "in that window train once, on the newest, and the others are SUPERSEDED.")
      .define(WORK_DIR, Type.STRING, "", Importance.MEDIUM,
          "Local scratch directory for datasets, checkpoints and model directories; a temporary directory when empty. "
              + "Nothing here needs to survive a restart: checkpoints live in the object store.")
      .define(MODEL_DEFAULT_DIR, Type.STRING, "", Importance.HIGH,
          "Model directory (model.json + weights) to warm-start from when no version of the update's model is promoted.")
      .define(MODEL_DEFAULT_VERSION, Type.STRING, "default", new NonBlank(), Importance.LOW,
          "Version name recorded as baseVersion when training starts from the default model directory.")
      .define(MAX_STEPS, Type.INT, 2_000, Range.between(2, 10_000_000), Importance.HIGH,
          "Step budget of one job: stage 1 (alignment) and stage 2 (fine-tuning) together.")
      .define(ALIGNMENT_FRACTION, Type.DOUBLE, 0.2, Range.between(0.0, 1.0), Importance.MEDIUM,
          "Share of the step budget (and of the wall-time budget) given to stage 1; the rest goes to stage 2.")
      .define(MAX_WALL_TIME_MS, Type.LONG, 3_600_000L, Range.between(1_000, 604_800_000L), Importance.HIGH,
          "Wall-time budget of one job's training (restarts included); a stage out of time stops at its current "
              + "step and the job goes on to evaluation with the steps done.")
      .define(BATCH_SIZE, Type.INT, 16, Range.between(2, 1_024), Importance.MEDIUM,
          "Samples per training step in both stages.")
      .define(LEARNING_RATE, Type.DOUBLE, 2e-4, Range.between(1e-8, 1.0), Importance.MEDIUM,
          "AdamW learning rate of both stages (fine-tuning a warm model wants less than training from scratch).")
      .define(SEED, Type.LONG, 1L, Importance.LOW,
          "Seed of data order, noise and evaluation; a job's results depend only on it, the data and the base model.")
      .define(CHECKPOINT_EVERY, Type.INT, 100, Range.between(1, 1_000_000), Importance.MEDIUM,
          "Steps between checkpoints written to the object store (checkpoints/{job}/{step}/).")
      .define(CHECKPOINT_KEEP, Type.INT, 2, Range.between(1, 100), Importance.LOW,
          "Checkpoints kept per job in the object store; a job's checkpoints are deleted once its version is published.")
      .define(MAX_SAMPLES, Type.INT, 50_000, Range.between(1, 10_000_000), Importance.MEDIUM,
          "Most training samples read from one dataset version (the rest are left out and counted).")
      .define(VALIDATION_SPLIT, Type.STRING, "val", new NonBlank(), Importance.LOW,
          "Manifest split evaluated; when the dataset has none, the test split, else every 20th sample is held out.")
      .define(EVAL_SAMPLES, Type.INT, 64, Range.between(2, 100_000), Importance.MEDIUM,
          "Validation graphs sampled and scored per model (base and candidate on the same graphs and seeds).")
      .define(EVAL_STEPS, Type.INT, 50, Range.between(1, 1_000), Importance.MEDIUM,
          "DDIM steps when sampling validation images.")
      .define(EVAL_GUIDANCE, Type.DOUBLE, null, new UnsetOr(Range.between(0.0, 30.0)), Importance.LOW,
          "Classifier-free guidance scale when sampling validation images; unset: each model's own default "
              + "(model.json's sampling.guidanceScale), so base and candidate are scored as they would be served.")
      .define(EVAL_FEATURES, Type.STRING, "clip", ValidString.in("clip", "pixels"), Importance.LOW,
          "Feature space of FID and diversity: clip (the model's frozen CLIP image encoder) or pixels (8x8 grid).")
      .define(GATE_RELATION_TOLERANCE, Type.DOUBLE, 0.02, Range.between(0.0, 1.0), Importance.HIGH,
          "Promote only if relation accuracy is at least the base version's minus this (absolute).")
      .define(GATE_FID_TOLERANCE, Type.DOUBLE, 0.10, Range.between(0.0, 100.0), Importance.HIGH,
          "Promote only if FID is at most the base version's times (1 + this).")
      .define(PROGRESS_EVERY, Type.INT, 10, Range.between(1, 1_000_000), Importance.LOW,
          "A RUNNING TrainingStatus every this many steps (and at each stage's end).")
      .define(HTTP_PORT, Type.INT, 8081, Range.between(-1, 65_535), Importance.MEDIUM,
          "Port of /health, /ready and /metrics; 0 picks a free port, -1 turns the server off.")
      .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 30_000L, Range.between(0, 3_600_000), Importance.LOW,
          "How long a graceful shutdown waits for the running job to write its checkpoint.");

  private final Map<String, Object> kafkaPassthrough;

  private TrainingWorkerConfig(Map<String, Object> props, Map<String, Object> kafkaPassthrough) {
    super(DEFINITION, props, false);
    this.kafkaPassthrough = Map.copyOf(kafkaPassthrough);
  }

  /**
   * Parses {@code props} overridden by {@code env}.
   *
   * @throws ConfigException listing every invalid or unknown field, one per line
   */
  public static TrainingWorkerConfig from(Map<String, ?> props, Map<String, String> env) {
    ServiceSettings settings = ServiceSettings.parse(DEFINITION, PREFIX, ENV_PREFIX, "training worker", props, env);
    return new TrainingWorkerConfig(settings.values(), settings.kafkaPassthrough());
  }

  /** The definition, e.g. for documentation ({@code configDef().toRst()}). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  /** Kafka client settings (bootstrap servers and pass-through security settings); never log them. */
  public Map<String, Object> kafkaClientSettings() {
    Map<String, Object> settings = new HashMap<>(kafkaPassthrough);
    settings.put("bootstrap.servers", String.join(",", getList(BOOTSTRAP_SERVERS)));
    return settings;
  }

  public String schemaRegistryUrl() {
    return getString(SCHEMA_REGISTRY_URL);
  }

  public String workerId() {
    return ServiceSettings.instanceId(getString(WORKER_ID), "training-worker");
  }


  public String groupId() {
    return getString(GROUP_ID);
  }

  /** Static membership id, or null for dynamic membership. */
  public String groupInstanceId() {
    String id = getString(GROUP_INSTANCE_ID);
    return id.isBlank() ? null : id;
  }

  public int sessionTimeoutMs() {
    return getInt(SESSION_TIMEOUT_MS);
  }

  public Duration pollTimeout() {
    return Duration.ofMillis(getLong(POLL_TIMEOUT_MS));
  }

  public Duration coalesceWindow() {
    return Duration.ofMillis(getLong(COALESCE_WINDOW_MS));
  }

  public String workDir() {
    return getString(WORK_DIR);
  }

  public String modelDefaultDir() {
    return getString(MODEL_DEFAULT_DIR);
  }

  public String modelDefaultVersion() {
    return getString(MODEL_DEFAULT_VERSION);
  }

  /** The budgets and sizes of one job. */
  public JobSettings jobSettings() {
    return new JobSettings(
        getInt(MAX_STEPS), getDouble(ALIGNMENT_FRACTION), Duration.ofMillis(getLong(MAX_WALL_TIME_MS)),
        getInt(BATCH_SIZE), getDouble(LEARNING_RATE), getLong(SEED), getInt(CHECKPOINT_EVERY), getInt(CHECKPOINT_KEEP),
        getInt(MAX_SAMPLES), getString(VALIDATION_SPLIT), getInt(EVAL_SAMPLES), getInt(EVAL_STEPS),
        getDouble(EVAL_GUIDANCE), getString(EVAL_FEATURES), getInt(PROGRESS_EVERY),
        new PromotionGate(getDouble(GATE_RELATION_TOLERANCE), getDouble(GATE_FID_TOLERANCE)));
  }

  public int httpPort() {
    return getInt(HTTP_PORT);
  }

  public Duration shutdownTimeout() {
    return Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT_MS));
  }

  /** Settings without secrets: pass-through Kafka values are shown as keys only. */
  @Override
  public String toString() {
    return "TrainingWorkerConfig" + new TreeMap<>(values()) + " kafka client settings " + kafkaPassthrough.keySet();
  }

  private static final class NonBlank implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || value.toString().isBlank()) {
        throw new ConfigException(name, value, "must not be blank");
      }
    }

    @Override
    public String toString() {
      return "non-blank string";
    }
  }

  private static final class NonEmptyList implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (!(value instanceof List<?> list) || list.isEmpty() || list.stream().anyMatch(v -> v.toString().isBlank())) {
        throw new ConfigException(name, value, "must list at least one host:port");
      }
    }

    @Override
    public String toString() {
      return "host:port[,host:port...]";
    }
  }

  /** Unset (null), or a value {@code set} accepts. */
  private record UnsetOr(ConfigDef.Validator set) implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value != null) {
        set.ensureValid(name, value);
      }
    }

    @Override
    public String toString() {
      return set + " or unset";
    }
  }
}
