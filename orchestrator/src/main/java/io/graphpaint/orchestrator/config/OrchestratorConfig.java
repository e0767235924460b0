package io.graphpaint.orchestrator.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * The orchestrator's configuration, declared once (type, default, check, doc) with Kafka's
 * {@link ConfigDef}. Values come from a properties map (e.g. a file) overridden by environment
 * variables: {@code graphpaint.http.port} is {@code GRAPHPAINT_HTTP_PORT}. Keys under
 * {@value #KAFKA_CLIENT_PREFIX} pass through to every Kafka client (TLS, SASL, ...), from the
 * environment as {@code GRAPHPAINT_KAFKA_CLIENT_SECURITY_PROTOCOL} and the like.
 */
public final class OrchestratorConfig extends AbstractConfig {

  public static final String KAFKA_BOOTSTRAP_SERVERS = "graphpaint.kafka.bootstrap.servers";
  public static final String KAFKA_CLIENT_PREFIX = "graphpaint.kafka.client.";
  public static final String SCHEMA_REGISTRY_URL = "graphpaint.schema.registry.url";
  public static final String STREAMS_APPLICATION_ID = "graphpaint.streams.application.id";
  public static final String STREAMS_STATE_DIR = "graphpaint.streams.state.dir";
  public static final String STREAMS_THREADS = "graphpaint.streams.threads";
  public static final String STREAMS_STANDBY_REPLICAS = "graphpaint.streams.standby.replicas";
  public static final String STREAMS_COMMIT_INTERVAL_MS = "graphpaint.streams.commit.interval.ms";
  public static final String HTTP_HOST = "graphpaint.http.host";
  public static final String HTTP_PORT = "graphpaint.http.port";
  public static final String HTTP_ADVERTISED_HOST = "graphpaint.http.advertised.host";
  public static final String HTTP_MAX_BODY_BYTES = "graphpaint.http.max.body.bytes";
  public static final String HTTP_AUTH_TOKEN = "graphpaint.http.auth.token";
  public static final String HTTP_FORWARD_TIMEOUT_MS = "graphpaint.http.forward.timeout.ms";
  public static final String HTTP_LIST_MAX_LIMIT = "graphpaint.http.list.max.limit";
  public static final String GRAPH_MAX_OBJECTS = "graphpaint.graph.max.objects";
  public static final String GRAPH_MAX_RELATIONSHIPS = "graphpaint.graph.max.relationships";
  public static final String GENERATION_MAX_STEPS = "graphpaint.generation.max.steps";
  public static final String IMAGES_URL_TTL_SECONDS = "graphpaint.images.url.ttl.seconds";
  public static final String VOCABULARY_FILE = "graphpaint.vocabulary.file";
  public static final String MODEL_NAME = "graphpaint.model.name";
  public static final String STATUS_RECENT_PER_PARTITION = "graphpaint.status.recent.per.partition";
  public static final String SSE_POLL_MS = "graphpaint.sse.poll.ms";
  public static final String SSE_MAX_DURATION_MS = "graphpaint.sse.max.duration.ms";
  public static final String SUBMIT_TIMEOUT_MS = "graphpaint.submit.timeout.ms";
  public static final String STREAMS_ON_UNDECODABLE = "graphpaint.streams.on.undecodable";
  public static final String KAFKA_TOPICS_CREATE = "graphpaint.kafka.topics.create";
  public static final String KAFKA_TOPICS_REPLICATION_FACTOR = "graphpaint.kafka.topics.replication.factor";

  private static final String ENV_PREFIX = "GRAPHPAINT_";

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(KAFKA_BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          new ConfigDef.NonEmptyString(), Importance.HIGH,
          "Kafka bootstrap servers, host:port[,host:port...].")
      .define(SCHEMA_REGISTRY_URL, Type.STRING, "", Importance.HIGH,
          "Base URL of the Confluent-compatible schema registry (http://host:port[/path]).")
      .define(STREAMS_APPLICATION_ID, Type.STRING, "graphpaint-orchestrator",
          new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Kafka Streams application.id: the consumer group and the prefix of internal topics.")
      .define(STREAMS_STATE_DIR, Type.STRING,
          Path.of(System.getProperty("java.io.tmpdir"), "graphpaint-orchestrator").toString(),
          new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Directory of the local state stores (RocksDB); one per instance.")
      .define(STREAMS_THREADS, Type.INT, 1, Range.between(1, 64), Importance.LOW,
          "Stream threads of this instance.")
      .define(STREAMS_STANDBY_REPLICAS, Type.INT, 0, Range.between(0, 3), Importance.LOW,
          "Standby replicas of each state store on other instances: faster fail-over, and status reads, "
              + "event streams, request lists and model outcome counts that still answer while an instance is down (from the "
              + "standby copies, marked Graphpaint-Read: standby).")
      .define(STREAMS_COMMIT_INTERVAL_MS, Type.INT, 100, Range.between(10, 60_000), Importance.LOW,
          "Transaction commit interval: the delay before a status change becomes visible.")
      .define(HTTP_HOST, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Interface the HTTP API listens on.")
      .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.HIGH,
          "Port of the HTTP API (0 = any free port).")
      .define(HTTP_ADVERTISED_HOST, Type.STRING, "localhost", new ConfigDef.NonEmptyString(),
          Importance.HIGH,
          "Host name other orchestrator instances reach this one at (Kafka Streams application.server).")
      .define(HTTP_MAX_BODY_BYTES, Type.INT, 256 * 1024, Range.between(1024, 64 * 1024 * 1024),
          Importance.MEDIUM, "Largest request body accepted, in bytes; larger ones get 413.")
      .define(HTTP_AUTH_TOKEN, Type.PASSWORD, null, Importance.HIGH,
          "When set, /v1 and /internal require 'Authorization: Bearer <token>' (or access_token= for SSE).")
      .define(HTTP_FORWARD_TIMEOUT_MS, Type.INT, 2000, Range.between(50, 60_000), Importance.LOW,
          "Timeout of a query forwarded to another instance: the owner of a key, or each instance asked at once"
              + " for a list.")
      .define(HTTP_LIST_MAX_LIMIT, Type.INT, 200, Range.between(1, 10_000), Importance.LOW,
          "Largest 'limit' of GET /v1/generations.")
      .define(GRAPH_MAX_OBJECTS, Type.INT, 32, Range.between(1, 1024), Importance.MEDIUM,
          "Most objects a scene graph may have.")
      .define(GRAPH_MAX_RELATIONSHIPS, Type.INT, 128, Range.between(0, 8192), Importance.MEDIUM,
          "Most relationships a scene graph may have.")
      .define(GENERATION_MAX_STEPS, Type.INT, 1000, Range.between(1, 10_000), Importance.MEDIUM,
          "Most sampling steps a request may ask for.")
      .define(IMAGES_URL_TTL_SECONDS, Type.INT, 900, Range.between(1, 7 * 24 * 3600), Importance.LOW,
          "Lifetime of the presigned image URLs in status answers.")
      .define(VOCABULARY_FILE, Type.STRING, "", Importance.LOW,
          "A JSON vocabulary (model.json or {\"objects\": [...], \"predicates\": [...]}) offered by "
              + "GET /v1/vocabulary when the promoted model's cannot be read.")
      .define(MODEL_NAME, Type.STRING, "default", new ConfigDef.NonEmptyString(), Importance.LOW,
          "Model line whose promoted version's vocabulary GET /v1/vocabulary offers.")
      .define(STATUS_RECENT_PER_PARTITION, Type.INT, 10_000, Range.between(1, 10_000_000),
          Importance.LOW, "Entries of the recent-requests index kept per partition.")
      .define(SSE_POLL_MS, Type.INT, 200, Range.between(10, 10_000), Importance.LOW,
          "How often a server-sent-event stream looks for a new status.")
      .define(SSE_MAX_DURATION_MS, Type.LONG, 3_600_000L, Range.between(1_000, 86_400_000L),
          Importance.LOW, "Longest a server-sent-event stream stays open.")
      .define(SUBMIT_TIMEOUT_MS, Type.INT, 10_000, Range.between(100, 120_000), Importance.LOW,
          "How long a submission waits for Kafka to acknowledge the event.")
      .define(STREAMS_ON_UNDECODABLE, Type.STRING, "skip",
          ConfigDef.ValidString.in("skip", "fail"), Importance.LOW,
          "What the status application does with a record it cannot decode: skip (log and go on) "
              + "or fail (stop the stream thread).")
      .define(KAFKA_TOPICS_CREATE, Type.BOOLEAN, false, Importance.LOW,
          "Create graphpaint's topics at start when missing (development and tests).")
      .define(KAFKA_TOPICS_REPLICATION_FACTOR, Type.INT, 3, Range.between(1, 16), Importance.LOW,
          "Replication factor of topics created at start.");

  private OrchestratorConfig(Map<String, ?> values) {
    super(DEFINITION, values, false);
  }

  /** Parses {@code properties} overridden by {@code environment}; every invalid field is reported. */
  public static OrchestratorConfig load(Map<String, ?> properties, Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>();
    properties.forEach((key, value) -> merged.put(key, value == null ? null : String.valueOf(value)));
    merged.putAll(fromEnvironment(environment));
    List<String> problems = new ArrayList<>();
    for (ConfigValue value : DEFINITION.validate(merged)) {
      if (value.errorMessages().isEmpty()) {
        continue;
      }
      // One line per key: the first message is the cause, later ones follow from it.
      String message = value.errorMessages().get(0);
      boolean secret = DEFINITION.configKeys().get(value.name()).type == Type.PASSWORD;
      String shown = secret ? "[hidden]" : String.valueOf(merged.get(value.name()));
      String env = " (env " + envName(value.name()) + ")";
      String prefix = "Invalid value " + shown + " for configuration " + value.name();
      if (secret) {
        problems.add(prefix + env + ": the value is not valid");
      } else if (message.startsWith(prefix)) {
        problems.add(prefix + env + message.substring(prefix.length()));
      } else {
        problems.add(prefix + env + ": " + message);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.size() + " invalid configuration value(s):\n  "
          + String.join("\n  ", problems));
    }
    return new OrchestratorConfig(merged);
  }

  /** The environment variable that overrides {@code key}. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** Environment variables named after a declared key or under the Kafka client prefix, as keys. */
  static Map<String, String> fromEnvironment(Map<String, String> environment) {
    Map<String, String> out = new HashMap<>();
    for (String key : DEFINITION.names()) {
      String value = environment.get(envName(key));
      if (value != null) {
        out.put(key, value);
      }
    }
    String clientPrefix = envName(KAFKA_CLIENT_PREFIX);
    environment.forEach((name, value) -> {
      if (name.startsWith(clientPrefix) && name.length() > clientPrefix.length()) {
        out.put(KAFKA_CLIENT_PREFIX + name.substring(clientPrefix.length()).toLowerCase(Locale.ROOT)
            .replace('_', '.'), value);
      }
    });
    return out;
  }

  /** Settings every Kafka client gets: the bootstrap servers plus the pass-through ones. */
  public Map<String, Object> kafkaClientProperties() {
    Map<String, Object> props = new HashMap<>(originalsWithPrefix(KAFKA_CLIENT_PREFIX));
    props.put("bootstrap.servers", getString(KAFKA_BOOTSTRAP_SERVERS));
    return props;
  }

  public String bootstrapServers() {
    return getString(KAFKA_BOOTSTRAP_SERVERS);
  }

  public Optional<String> schemaRegistryUrl() {
    return Optional.of(getString(SCHEMA_REGISTRY_URL)).filter(s -> !s.isBlank());
  }

  public String applicationId() {
    return getString(STREAMS_APPLICATION_ID);
  }

  public Path stateDir() {
    return Path.of(getString(STREAMS_STATE_DIR));
  }

  public int streamThreads() {
    return getInt(STREAMS_THREADS);
  }

  public int standbyReplicas() {
    return getInt(STREAMS_STANDBY_REPLICAS);
  }

  public int commitIntervalMs() {
    return getInt(STREAMS_COMMIT_INTERVAL_MS);
  }

  public String httpHost() {
    return getString(HTTP_HOST);
  }

  public int httpPort() {
    return getInt(HTTP_PORT);
  }

  public String advertisedHost() {
    return getString(HTTP_ADVERTISED_HOST);
  }

  public int maxBodyBytes() {
    return getInt(HTTP_MAX_BODY_BYTES);
  }

  public Optional<String> authToken() {
    Password token = getPassword(HTTP_AUTH_TOKEN);
    return Optional.ofNullable(token).map(Password::value).filter(s -> !s.isEmpty());
  }

  public Duration forwardTimeout() {
    return Duration.ofMillis(getInt(HTTP_FORWARD_TIMEOUT_MS));
  }

  public int listMaxLimit() {
    return getInt(HTTP_LIST_MAX_LIMIT);
  }

  public int maxObjects() {
    return getInt(GRAPH_MAX_OBJECTS);
  }

  public int maxRelationships() {
    return getInt(GRAPH_MAX_RELATIONSHIPS);
  }

  public int maxSteps() {
    return getInt(GENERATION_MAX_STEPS);
  }

  public Duration imageUrlTtl() {
    return Duration.ofSeconds(getInt(IMAGES_URL_TTL_SECONDS));
  }

  public Optional<Path> vocabularyFile() {
    return Optional.of(getString(VOCABULARY_FILE)).filter(s -> !s.isBlank()).map(Path::of);
  }

  public String modelName() {
    return getString(MODEL_NAME);
  }

  public int recentPerPartition() {
    return getInt(STATUS_RECENT_PER_PARTITION);
  }

  public Duration ssePollInterval() {
    return Duration.ofMillis(getInt(SSE_POLL_MS));
  }

  public Duration sseMaxDuration() {
    return Duration.ofMillis(getLong(SSE_MAX_DURATION_MS));
  }

  public Duration submitTimeout() {
    return Duration.ofMillis(getInt(SUBMIT_TIMEOUT_MS));
  }

  /** True when undecodable records are logged and skipped rather than stopping processing. */
  public boolean skipUndecodable() {
    return getString(STREAMS_ON_UNDECODABLE).equals("skip");
  }

  public boolean createTopics() {
    return getBoolean(KAFKA_TOPICS_CREATE);
  }

  public int topicReplicationFactor() {
    return getInt(KAFKA_TOPICS_REPLICATION_FACTOR);
  }

  /** Every key with its type, default and doc, for {@code --help}. */
  public static String describe() {
    return DEFINITION.toRst();
  }
}
