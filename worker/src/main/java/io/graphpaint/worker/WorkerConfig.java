package io.graphpaint.worker;

import io.graphpaint.service.ServiceSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the generation worker, declared once with type, default, check and doc.
 *
 * <p>Keys are {@code graphpaint.worker.*}; each can be overridden by the environment variable of
 * the upper-cased key with dots as underscores ({@code graphpaint.worker.batch.max.size} &lt;-
 * {@code GRAPHPAINT_WORKER_BATCH_MAX_SIZE}). Further Kafka client settings (TLS, SASL) pass through
 * under {@value #KAFKA_PASSTHROUGH_PREFIX} ({@code GRAPHPAINT_WORKER_KAFKA_SECURITY_PROTOCOL} -&gt;
 * {@code security.protocol}); their values are never logged. Parsing reports every invalid field
 * in one {@link ConfigException}, not just the first.
 */
public final class WorkerConfig extends AbstractConfig {

  public static final String PREFIX = "graphpaint.worker.";
  public static final String ENV_PREFIX = "GRAPHPAINT_WORKER_";
  /** Kafka client settings passed through to every client (producer, consumers). */
  public static final String KAFKA_PASSTHROUGH_PREFIX = PREFIX + ServiceSettings.KAFKA_CLIENT;

  public static final String BOOTSTRAP_SERVERS = PREFIX + "kafka.bootstrap.servers";
  public static final String SCHEMA_REGISTRY_URL = PREFIX + "schema.registry.url";
  public static final String WORKER_ID = PREFIX + "id";
  public static final String GROUP_ID = PREFIX + "group.id";
  public static final String GROUP_INSTANCE_ID = PREFIX + "group.instance.id";
  public static final String SESSION_TIMEOUT_MS = PREFIX + "session.timeout.ms";
  public static final String TRANSACTION_TIMEOUT_MS = PREFIX + "transaction.timeout.ms";
  public static final String POLL_TIMEOUT_MS = PREFIX + "poll.timeout.ms";
  public static final String MAX_POLL_RECORDS = PREFIX + "max.poll.records";
  public static final String BATCH_MAX_SIZE = PREFIX + "batch.max.size";
  public static final String BATCH_MAX_WAIT_MS = PREFIX + "batch.max.wait.ms";
  public static final String BATCH_UNET_WHOLE = PREFIX + "batch.unet.whole";
  public static final String PROGRESS_FRACTION = PREFIX + "progress.fraction";
  public static final String LIMIT_OBJECTS = PREFIX + "limit.objects";
  public static final String LIMIT_RELATIONSHIPS = PREFIX + "limit.relationships";
  public static final String LIMIT_IMAGES = PREFIX + "limit.images";
  public static final String LIMIT_STEPS = PREFIX + "limit.steps";
  public static final String LIMIT_GUIDANCE = PREFIX + "limit.guidance";
  public static final String MODEL_NAME = PREFIX + "model.name";
  public static final String MODEL_DEFAULT_DIR = PREFIX + "model.default.dir";
  public static final String MODEL_DEFAULT_VERSION = PREFIX + "model.default.version";
  public static final String MODEL_CACHE_DIR = PREFIX + "model.cache.dir";
  public static final String MODEL_CACHE_SIZE = PREFIX + "model.cache.size";
  public static final String MODEL_FOLLOW = PREFIX + "model.follow";
  public static final String DEVICE = PREFIX + "device";
  public static final String STORE_RETRY_INITIAL_MS = PREFIX + "store.retry.initial.ms";
  public static final String STORE_RETRY_MAX_MS = PREFIX + "store.retry.max.ms";
  public static final String STORE_REFUSED_ATTEMPTS = PREFIX + "store.refused.attempts";
  public static final String HTTP_PORT = PREFIX + "http.port";
  public static final String SHUTDOWN_TIMEOUT_MS = PREFIX + "shutdown.timeout.ms";
  public static final String TOPICS_CREATE = PREFIX + "topics.create";
  public static final String TOPICS_REPLICATION_FACTOR = PREFIX + "topics.replication.factor";

  private static final Pattern DEVICE_PATTERN = Pattern.compile("auto|cpu|gpu(:\\d{1,2})?");

  static final ConfigDef DEFINITION = new ConfigDef()
      .define(BOOTSTRAP_SERVERS, Type.LIST, "localhost:9092", null,
          Importance.HIGH, "Kafka brokers, host:port[,host:port...].")
      .define(SCHEMA_REGISTRY_URL, Type.STRING, "http://localhost:8081", new NonBlank(), Importance.HIGH,
          "Base URL of the Confluent-compatible schema registry.")
      .define(WORKER_ID, Type.STRING, "", Importance.MEDIUM,
          "This worker's id, reported in events and used in its transactional id; host name and process id when empty.")
      .define(GROUP_ID, Type.STRING, "graphpaint-workers", new NonBlank(), Importance.MEDIUM,
          "Consumer group of the generation workers.")
      .define(GROUP_INSTANCE_ID, Type.STRING, "", Importance.MEDIUM,
          "Static membership: a stable id per worker instance (e.g. the pod name) so that a restart within the "
              + "session timeout gets its partitions back without a rebalance; dynamic membership when empty.")
      .define(SESSION_TIMEOUT_MS, Type.INT, 45_000, Range.between(6_000, 1_800_000), Importance.LOW,
          "Consumer session timeout: how long a silent worker keeps its partitions.")
      .define(TRANSACTION_TIMEOUT_MS, Type.INT, 60_000, Range.between(1_000, 900_000), Importance.LOW,
          "Producer transaction timeout: how long an abandoned transaction blocks read-committed readers.")
      .define(POLL_TIMEOUT_MS, Type.LONG, 100L, Range.between(1, 10_000), Importance.LOW,
          "Longest wait of one poll(); polling continues while partitions are paused.")
      .define(MAX_POLL_RECORDS, Type.INT, 64, Range.between(1, 10_000), Importance.LOW,
          "Most records one poll() returns.")
      .define(BATCH_MAX_SIZE, Type.INT, 8, Range.between(1, 256), Importance.HIGH,
          "Most images sampled as one batch (a request with more images runs alone).")
      .define(BATCH_MAX_WAIT_MS, Type.LONG, 20L, Range.between(0, 60_000), Importance.MEDIUM,
          "Longest wait for compatible requests to fill a batch once its first request is ready.")
      .define(BATCH_UNET_WHOLE, Type.BOOLEAN, false, Importance.MEDIUM,
          "Run the UNet once per denoising step on the whole batch instead of once per image: faster where the "
              + "engine gains from larger batches, but an image may then differ in its last bits with its batch-mates; "
              + "false keeps the same request and seed giving the same bytes whatever is batched with it.")
      .define(PROGRESS_FRACTION, Type.DOUBLE, 0.25, Range.between(0.0, 1.0), Importance.LOW,
          "A GenerationProgress event every this fraction of the steps (and at the last); 0 turns them off.")
      .define(LIMIT_OBJECTS, Type.INT, 16, Range.between(1, 1_000), Importance.MEDIUM,
          "Most objects in a request's scene graph.")
      .define(LIMIT_RELATIONSHIPS, Type.INT, 64, Range.between(0, 10_000), Importance.MEDIUM,
          "Most relationships in a request's scene graph.")
      .define(LIMIT_IMAGES, Type.INT, 8, Range.between(1, 8), Importance.MEDIUM,
          "Most images per request.")
      .define(LIMIT_STEPS, Type.INT, 250, Range.between(1, 1_000), Importance.MEDIUM,
          "Most DDIM steps per request.")
      .define(LIMIT_GUIDANCE, Type.DOUBLE, 20.0, Range.between(0.0, 50.0), Importance.MEDIUM,
          "Largest classifier-free guidance scale.")
      .define(MODEL_NAME, Type.STRING, "default", new NonBlank(), Importance.HIGH,
          "The model line this worker serves (ModelPublished.modelName).")
      .define(MODEL_DEFAULT_DIR, Type.STRING, "", Importance.HIGH,
          "Model directory (model.json + weights) served when no promoted version is published or it fails to load.")
      .define(MODEL_DEFAULT_VERSION, Type.STRING, "default", new NonBlank(), Importance.LOW,
          "Version name of the default model directory.")
      .define(MODEL_CACHE_DIR, Type.STRING, "", Importance.LOW,
          "Where model versions from the object store are downloaded; a temporary directory when empty.")
      .define(MODEL_CACHE_SIZE, Type.INT, 2, Range.between(1, 16), Importance.LOW,
          "Loaded model versions kept for pinned requests (least recently used evicted), the current one included.")
      .define(MODEL_FOLLOW, Type.BOOLEAN, true, Importance.LOW,
          "Follow graphpaint.models and swap to newly promoted versions.")
      .define(DEVICE, Type.STRING, "auto", new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
              if (value == null || !DEVICE_PATTERN.matcher(value.toString()).matches()) {
                throw new ConfigException(name, value, "must be auto, cpu or gpu:N (N = device index)");
              }
            }

            @Override
            public String toString() {
              return "auto | cpu | gpu:N";
            }
          }, Importance.MEDIUM, "Device the model runs on: auto (the engine's default), cpu, or gpu:N.")
      .define(STORE_RETRY_INITIAL_MS, Type.LONG, 200L, Range.between(1, 60_000), Importance.LOW,
          "First back-off after a failed image write; doubles up to the maximum.")
      .define(STORE_RETRY_MAX_MS, Type.LONG, 5_000L, Range.between(1, 600_000), Importance.LOW,
          "Longest back-off between image write attempts (writes that may pass are retried until they succeed or the "
              + "worker stops; see store.refused.attempts for those that cannot).")
      .define(STORE_REFUSED_ATTEMPTS, Type.INT, 3, Range.between(1, 1_000), Importance.LOW,
          "Attempts at an image write that the object store refuses with an error that retrying does not cure (403 "
              + "credentials or policy, 404 no such bucket, other 4xx). After the last one the request fails with "
              + "STORAGE_UNAVAILABLE and a message naming the store's answer, so a misconfigured store does not stall "
              + "partitions. Errors that may pass (unreachable, timeouts, 5xx, throttling) are retried for as long as "
              + "the worker runs.")
      .define(HTTP_PORT, Type.INT, 8080, Range.between(-1, 65_535), Importance.MEDIUM,
          "Port of /health, /ready and /metrics; 0 picks a free port, -1 turns the server off.")
      .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 30_000L, Range.between(0, 3_600_000), Importance.LOW,
          "How long a graceful shutdown waits for the running batch before handing its requests back.")
      .define(TOPICS_CREATE, Type.BOOLEAN, true, Importance.LOW,
          "Create missing graphpaint topics at start (existing topics are left alone).")
      .define(TOPICS_REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.between(1, 16), Importance.LOW,
          "Replication factor of topics the worker creates (3 in production).");

  private final Map<String, Object> kafkaPassthrough;

  private WorkerConfig(Map<String, Object> props, Map<String, Object> kafkaPassthrough) {
    super(DEFINITION, props, false);
    this.kafkaPassthrough = Map.copyOf(kafkaPassthrough);
  }

  /**
   * Parses {@code props} overridden by {@code env}.
   *
   * @throws ConfigException listing every invalid or unknown field, one per line
   */
  public static WorkerConfig from(Map<String, ?> props, Map<String, String> env) {
    ServiceSettings settings = ServiceSettings.parse(DEFINITION, PREFIX, ENV_PREFIX, "worker", props, env);
    return new WorkerConfig(settings.values(), settings.kafkaPassthrough());
  }

  /** The definition, e.g. for documentation ({@code configDef().toRst()}). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  /** Kafka client settings to pass through (security, SASL); values may be secrets: never log them. */
  public Map<String, Object> kafkaClientSettings() {
    Map<String, Object> settings = new HashMap<>(kafkaPassthrough);
    settings.put("bootstrap.servers", String.join(",", getList(BOOTSTRAP_SERVERS)));
    return settings;
  }

  public String schemaRegistryUrl() {
    return getString(SCHEMA_REGISTRY_URL);
  }

  public String workerId() {
    return ServiceSettings.instanceId(getString(WORKER_ID), "worker");
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

  public int transactionTimeoutMs() {
    return getInt(TRANSACTION_TIMEOUT_MS);
  }

  public Duration pollTimeout() {
    return Duration.ofMillis(getLong(POLL_TIMEOUT_MS));
  }

  public int maxPollRecords() {
    return getInt(MAX_POLL_RECORDS);
  }

  public int batchMaxSize() {
    return getInt(BATCH_MAX_SIZE);
  }

  public Duration batchMaxWait() {
    return Duration.ofMillis(getLong(BATCH_MAX_WAIT_MS));
  }

  /** True: one UNet call per step for the whole batch; false: one per image (batch-invariant results). */
  public boolean wholeBatchUNet() {
    return getBoolean(BATCH_UNET_WHOLE);
  }

  public double progressFraction() {
    return getDouble(PROGRESS_FRACTION);
  }

  public RequestLimits limits() {
    return new RequestLimits(getInt(LIMIT_OBJECTS), getInt(LIMIT_RELATIONSHIPS), getInt(LIMIT_IMAGES),
        getInt(LIMIT_STEPS), getDouble(LIMIT_GUIDANCE).floatValue());
  }

  public String modelName() {
    return getString(MODEL_NAME);
  }

  public String modelDefaultDir() {
    return getString(MODEL_DEFAULT_DIR);
  }

  public String modelDefaultVersion() {
    return getString(MODEL_DEFAULT_VERSION);
  }

  public String modelCacheDir() {
    return getString(MODEL_CACHE_DIR);
  }

  public int modelCacheSize() {
    return getInt(MODEL_CACHE_SIZE);
  }

  public boolean modelFollow() {
    return getBoolean(MODEL_FOLLOW);
  }

  public String device() {
    return getString(DEVICE);
  }

  public Duration storeRetryInitial() {
    return Duration.ofMillis(getLong(STORE_RETRY_INITIAL_MS));
  }

  public Duration storeRetryMax() {
    return Duration.ofMillis(getLong(STORE_RETRY_MAX_MS));
  }

  public int storeRefusedAttempts() {
    return getInt(STORE_REFUSED_ATTEMPTS);
  }

  public int httpPort() {
    return getInt(HTTP_PORT);
  }

  public Duration shutdownTimeout() {
    return Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT_MS));
  }

  public boolean createTopics() {
    return getBoolean(TOPICS_CREATE);
  }

  public short topicReplicationFactor() {
    return getShort(TOPICS_REPLICATION_FACTOR);
  }

  /** Settings without secrets: pass-through Kafka values are shown as keys only. */
  @Override
  public String toString() {
    return "WorkerConfig" + new TreeMap<>(values()) + " kafka client settings " + kafkaPassthrough.keySet();
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
}
