package io.graphpaint.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Client of the Confluent Schema Registry REST API (also served by Apicurio's {@code ccompat},
 * Karapace and Redpanda), for Avro schemas.
 *
 * <p>Registration and lookups are cached: the first {@link #register} or {@link #idOf} of a
 * (subject, schema) costs one HTTP call, later ones none; {@link #schemaById} likewise per id.
 * Concurrent first calls for the same key share one HTTP call. {@link #latest} and the
 * compatibility calls always ask the registry, since their answer can change.
 *
 * <p>Thread-safe; share one instance per registry.
 */
public final class SchemaRegistryClient implements AutoCloseable {

  /** The registry's own media type, preferred over plain JSON. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT = CONTENT_TYPE
      + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> baseUrls;
  private final HttpClient http;
  private final String authorization;
  private final Duration requestTimeout;
  private final int maxSchemasPerSubject;
  private final AtomicLong httpCalls = new AtomicLong();

  /** subject -> schema -> id, filled by register and idOf. */
  private final ConcurrentMap<String, ConcurrentMap<Schema, CompletableFuture<Integer>>> idsBySubject =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, CompletableFuture<Schema>> schemasById = new ConcurrentHashMap<>();
  /** id -> the not-found answer and when to forget it (System.nanoTime), for missing.id.cache.ttl.sec. */
  private final ConcurrentMap<Integer, MissingId> missingIds = new ConcurrentHashMap<>();
  private final long missingIdTtlNanos;

  private record MissingId(SchemaRegistryException answer, long forgetAt) {}

  private SchemaRegistryClient(Builder builder) {
    SchemaRegistryConfig config = builder.config;
    this.baseUrls = config.urls().stream().map(SchemaRegistryClient::withoutUserInfo).toList();
    String userInfo = config.userInfo();
    this.authorization = userInfo == null || userInfo.isEmpty()
        ? null
        : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    this.requestTimeout = Duration.ofMillis(config.readTimeoutMs());
    this.maxSchemasPerSubject = config.maxSchemasPerSubject();
    this.missingIdTtlNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(config.missingIdCacheTtlSeconds());
    this.http = builder.httpClient != null
        ? builder.httpClient
        : HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(config.connectTimeoutMs()))
            .sslContext(builder.sslContext != null ? builder.sslContext : sslContextFrom(config))
            .build();
  }

  /** A client configured by Confluent-style keys ({@code schema.registry.url}, ...). */
  public static SchemaRegistryClient create(Map<String, ?> configs) {
    return builder().config(configs).build();
  }

  /** A client of one registry URL with default settings. */
  public static SchemaRegistryClient create(String url) {
    return create(Map.of(SchemaRegistryConfig.URL, url));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options that do not fit in a config map: an {@link SSLContext} or a whole {@link HttpClient}. */
  public static final class Builder {
    private SchemaRegistryConfig config;
    private SSLContext sslContext;
    private HttpClient httpClient;

    private Builder() {}

    /** Required: Confluent-style keys, see {@link SchemaRegistryConfig}. */
    public Builder config(Map<String, ?> configs) {
      this.config = new SchemaRegistryConfig(configs);
      return this;
    }

    /** Required (or {@link #config(Map)}): parsed settings. */
    public Builder config(SchemaRegistryConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** TLS settings to use instead of the trust/key store keys. */
    public Builder optSslContext(SSLContext sslContext) {
      this.sslContext = sslContext;
      return this;
    }

    /** A ready HTTP client (its own TLS and timeouts); the connect and TLS keys are then ignored. */
    public Builder optHttpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    public SchemaRegistryClient build() {
      if (config == null) {
        throw new IllegalStateException("config is required: at least " + SchemaRegistryConfig.URL);
      }
      return new SchemaRegistryClient(this);
    }
  }

  // ---------------------------------------------------------------- cached calls

  /**
   * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and
   * returns its global id; registering a schema the subject already has returns the existing id.
   *
   * @throws SchemaRegistryException with {@link SchemaRegistryException#isIncompatible()} when the
   *     subject's compatibility rule refuses the schema; the message carries the registry's reason
   */
  public int register(String subject, Schema schema) {
    return cached(subjectCache(subject, schema), schema, () -> {
      JsonNode answer = registerCall(subject, schema);
      int id = requiredInt(answer, "id", "register", subject);
      schemasById.putIfAbsent(id, CompletableFuture.completedFuture(schema));
      return id;
    });
  }

  /**
   * Registering is idempotent (the same schema gets the same id), so a registry's internal error
   * is tried again, twice, after 50 and 200 ms: Apicurio's in-memory store, for one, answers 500
   * when two clients register the same new schema at the same moment, and the next attempt finds it.
   */
  private JsonNode registerCall(String subject, Schema schema) {
    long[] pausesMs = {50, 200};
    for (int attempt = 0; ; attempt++) {
      try {
        return call("register", subject, null, "POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
      } catch (SchemaRegistryException e) {
        if (attempt >= pausesMs.length || e.httpStatus() < 500) {
          throw e;
        }
        try {
          Thread.sleep(pausesMs[attempt]);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Looks up the id of {@code schema} under {@code subject} without registering it
   * ({@code POST /subjects/{subject}}).
   *
   * @throws SchemaRegistryException {@link SchemaRegistryException#isNotFound()} when the subject
   *     does not have this schema
   */
  public int idOf(String subject, Schema schema) {
    return cached(subjectCache(subject, schema), schema, () -> {
      JsonNode answer = call("look up schema", subject, null, "POST",
          "/subjects/" + encode(subject), schemaBody(schema));
      int id = requiredInt(answer, "id", "look up schema", subject);
      schemasById.putIfAbsent(id, CompletableFuture.completedFuture(schema));
      return id;
    });
  }

  /** The schema with global id {@code id} ({@code GET /schemas/ids/{id}}). */
  public Schema schemaById(int id) {
    if (missingIdTtlNanos > 0) {
      MissingId missing = missingIds.get(id);
      if (missing != null) {
        if (System.nanoTime() - missing.forgetAt() < 0) {
          throw missing.answer();
        }
        missingIds.remove(id, missing);
      }
    }
    try {
      return cached(schemasById, id, () -> {
        JsonNode answer = call("get schema by id", null, id, "GET", "/schemas/ids/" + id, null);
        return parse(answer, "get schema by id", null, id);
      });
    } catch (SchemaRegistryException e) {
      if (missingIdTtlNanos > 0 && e.isNotFound() && missingIds.size() < 10_000) {
        missingIds.put(id, new MissingId(e, System.nanoTime() + missingIdTtlNanos));
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- uncached calls

  /** The latest version under {@code subject} ({@code GET /subjects/{subject}/versions/latest}). */
  public RegisteredSchema latest(String subject) {
    JsonNode answer = call("get latest version", subject, null, "GET",
        "/subjects/" + encode(subject) + "/versions/latest", null);
    int id = requiredInt(answer, "id", "get latest version", subject);
    Schema schema = parse(answer, "get latest version", subject, id);
    schemasById.putIfAbsent(id, CompletableFuture.completedFuture(schema));
    return new RegisteredSchema(subject, id, answer.path("version").asInt(-1), schema);
  }

  /**
   * Whether {@code schema} may be registered as the next version of {@code subject}
   * ({@code POST /compatibility/subjects/{subject}/versions/latest?verbose=true}). A subject with no
   * versions accepts any schema.
   */
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    JsonNode answer;
    try {
      answer = call("check compatibility", subject, null, "POST",
          "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
          schemaBody(schema));
    } catch (SchemaRegistryException e) {
      if (e.isNotFound() && (e.errorCode() == 40401 || e.errorCode() == 40402)) {
        return new CompatibilityResult(true, List.of("subject '" + subject + "' has no versions yet"));
      }
      throw e;
    }
    if (!answer.has("is_compatible")) {
      throw new SchemaRegistryException("check compatibility", subject, null, 200, 0,
          "answer lacks is_compatible: " + answer, null);
    }
    List<String> messages = new ArrayList<>();
    answer.path("messages").forEach(message -> messages.add(message.asText()));
    return new CompatibilityResult(answer.get("is_compatible").asBoolean(), messages);
  }

  /** Sets the compatibility rule of {@code subject} ({@code PUT /config/{subject}}). */
  public void setCompatibility(String subject, CompatibilityLevel level) {
    ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
    call("set compatibility", subject, null, "PUT", "/config/" + encode(subject), body);
  }

  /**
   * The compatibility rule set on {@code subject} itself ({@code GET /config/{subject}}), empty
   * when the subject follows the registry's global rule.
   */
  public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    try {
      JsonNode answer = call("get compatibility", subject, null, "GET", "/config/" + encode(subject), null);
      String level = answer.path("compatibilityLevel").asText(answer.path("compatibility").asText(""));
      return level.isEmpty() ? Optional.empty() : Optional.of(CompatibilityLevel.valueOf(level));
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** HTTP requests sent so far (each attempt against each URL counts). */
  public long httpCalls() {
    return httpCalls.get();
  }

  /** Forgets cached ids and schemas. */
  @Override
  public void close() {
    idsBySubject.clear();
    schemasById.clear();
    missingIds.clear();
  }

  // ---------------------------------------------------------------- HTTP

  private JsonNode call(String operation, String subject, Integer schemaId, String method, String path,
      JsonNode body) {
    IOException lastFailure = null;
    for (URI base : baseUrls) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString() + path))
          .timeout(requestTimeout)
          .header("Accept", ACCEPT);
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE)
            .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response;
      try {
        httpCalls.incrementAndGet();
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) { // refused, reset, timed out: try the next URL
        lastFailure = e;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(operation, subject, schemaId, SchemaRegistryException.UNREACHABLE,
            0, "interrupted", e);
      }
      return answer(response, operation, subject, schemaId);
    }
    throw new SchemaRegistryException(operation, subject, schemaId, SchemaRegistryException.UNREACHABLE, 0,
        baseUrls + ": " + (lastFailure == null ? "no URL" : lastFailure), lastFailure);
  }

  private static JsonNode answer(HttpResponse<String> response, String operation, String subject,
      Integer schemaId) {
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body();
    JsonNode json = null;
    try {
      json = text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (IOException notJson) {
      // a proxy's HTML error page, say: reported verbatim below
    }
    if (status >= 200 && status < 300) {
      if (json == null) {
        throw new SchemaRegistryException(operation, subject, schemaId, status, 0,
            "answer is not JSON: " + abbreviate(text), null);
      }
      return json;
    }
    int errorCode = json == null ? 0 : json.path("error_code").asInt(0);
    String message = json != null && json.hasNonNull("message") ? json.get("message").asText() : abbreviate(text);
    throw new SchemaRegistryException(operation, subject, schemaId, status, errorCode, message, null);
  }

  // ---------------------------------------------------------------- helpers

  /** The id cache of {@code subject}, refusing a new schema once it holds the configured maximum. */
  private ConcurrentMap<Schema, CompletableFuture<Integer>> subjectCache(String subject, Schema schema) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    ConcurrentMap<Schema, CompletableFuture<Integer>> cache =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    if (!cache.containsKey(schema) && cache.size() >= maxSchemasPerSubject) {
      throw new IllegalStateException("More than " + SchemaRegistryConfig.MAX_SCHEMAS_PER_SUBJECT + " = "
          + maxSchemasPerSubject + " distinct schemas used with subject '" + subject
          + "'; schemas are probably being built per record");
    }
    return cache;
  }

  /** One load per key, shared by concurrent callers; failures are not cached. */
  private static <K, V> V cached(ConcurrentMap<K, CompletableFuture<V>> cache, K key, Supplier<V> load) {
    Objects.requireNonNull(key, "key");
    CompletableFuture<V> existing = cache.get(key);
    if (existing == null) {
      CompletableFuture<V> mine = new CompletableFuture<>();
      existing = cache.putIfAbsent(key, mine);
      if (existing == null) {
        try {
          V value = load.get();
          mine.complete(value);
          return value;
        } catch (RuntimeException e) {
          cache.remove(key, mine);
          mine.completeExceptionally(e);
          throw e;
        }
      }
    }
    try {
      return existing.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static ObjectNode schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString());
  }

  private static Schema parse(JsonNode answer, String operation, String subject, Integer id) {
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaRegistryException(operation, subject, id, 200, 0,
          "schema is of type " + type + ", only AVRO is supported", null);
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException(operation, subject, id, 200, 0, "answer lacks schema: " + answer, null);
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(operation, subject, id, 200, 0,
          "registry returned an unparsable Avro schema: " + e.getMessage(), e);
    }
  }

  private static int requiredInt(JsonNode answer, String field, String operation, String subject) {
    JsonNode value = answer.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new SchemaRegistryException(operation, subject, null, 200, 0,
          "answer lacks integer '" + field + "': " + abbreviate(answer.toString()), null);
    }
    return value.asInt();
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }

  private static URI withoutUserInfo(String url) {
    String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    URI uri = URI.create(trimmed);
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority().substring(uri.getRawUserInfo().length() + 1)
        + (uri.getRawPath() == null ? "" : uri.getRawPath()));
  }

  private static SSLContext sslContextFrom(SchemaRegistryConfig config) {
    try {
      if (config.truststoreLocation() == null && config.keystoreLocation() == null) {
        return SSLContext.getDefault();
      }
      TrustManagerFactory trust = null;
      if (config.truststoreLocation() != null) {
        KeyStore store = load(config.truststoreType(), config.truststoreLocation(), config.truststorePassword());
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
      }
      KeyManagerFactory keys = null;
      if (config.keystoreLocation() != null) {
        KeyStore store = load(config.keystoreType(), config.keystoreLocation(), config.keystorePassword());
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, config.keyPassword());
      }
      SSLContext context = SSLContext.getInstance(config.sslProtocol());
      context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new org.apache.kafka.common.config.ConfigException(
          "Invalid TLS settings for the schema registry (" + SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION + " / "
              + SchemaRegistryConfig.SSL_KEYSTORE_LOCATION + "): " + e.getMessage());
    }
  }

  private static KeyStore load(String type, String location, char[] password)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      store.load(in, password);
    }
    return store;
  }
}
