package io.graphpaint.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.graphpaint.events.CancelRequest;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.orchestrator.EventPublisher;
import io.graphpaint.orchestrator.VocabularySource;
import io.graphpaint.orchestrator.query.AvroBinary;
import io.graphpaint.orchestrator.query.StatusQueries;
import io.graphpaint.orchestrator.query.StoreUnavailableException;
import io.graphpaint.orchestrator.status.ModelCounts;
import io.graphpaint.orchestrator.status.RequestDetails;
import io.graphpaint.orchestrator.status.RequestStatus;
import io.graphpaint.orchestrator.status.StatusFold;
import io.graphpaint.schemas.Topic;
import io.graphpaint.storage.Ids;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's HTTP API (Javalin): submissions and cancellations become Kafka events; status
 * answers come from the Kafka Streams stores of whichever instance owns the key. Every error is an
 * RFC 9457 problem document.
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  public static final String PROBLEM_JSON = "application/problem+json";
  /**
   * Response header of a status read served by a standby replica because the owner could not answer
   * (value {@code standby}): the status may be behind by the changes the standby has not applied yet.
   */
  public static final String STALE_HEADER = "Graphpaint-Read";
  static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private static final Set<String> DATASET_FIELDS = Set.of("version", "manifestUri", "format",
      "sampleCount", "modelName", "unknownLabelPolicy");
  private static final Set<String> CANCEL_FIELDS = Set.of("reason");
  private static final String START_NANOS = "graphpaint.start";

  /** What the API needs from the rest of the orchestrator. */
  public record Dependencies(
      StatusQueries queries,
      EventPublisher publisher,
      Supplier<KafkaStreams.State> streamsState,
      ImageLinks imageLinks,
      VocabularySource vocabulary,
      PrometheusMeterRegistry metrics,
      Clock clock) {}

  /** Settings of the API; validated where they are parsed ({@code OrchestratorConfig}). */
  public record Settings(
      String host,
      int port,
      int maxBodyBytes,
      Optional<String> authToken,
      int listMaxLimit,
      GenerationRequestParser.Limits limits,
      SseFollower.Settings sse) {}

  private final Dependencies deps;
  private final Settings settings;
  private final GenerationRequestParser parser;
  private final SseFollower sse;
  private final Javalin app;
  private final byte[] openApi;

  public HttpApi(Dependencies deps, Settings settings) {
    this.deps = deps;
    this.settings = settings;
    this.parser = new GenerationRequestParser(settings.limits());
    this.sse = new SseFollower(deps.queries(), deps.imageLinks(), settings.sse());
    this.openApi = resource("/openapi.json");
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.http.maxRequestSize = settings.maxBodyBytes();
      config.http.prefer405over404 = true;
      config.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = "/web";
        files.location = Location.CLASSPATH;
      });
      config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
      config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new ProblemErrorHandler()));
    });
    routes();
  }

  /** SSE settings: poll interval, how long an unknown id may take to appear, longest stream. */
  public static SseFollower.Settings sseSettings(java.time.Duration poll, java.time.Duration unknownGrace,
      java.time.Duration maxDuration) {
    return new SseFollower.Settings(poll, unknownGrace, maxDuration);
  }

  public HttpApi start() {
    app.start(settings.host(), settings.port());
    return this;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    sse.close();
    app.stop();
  }

  private void routes() {
    app.before(ctx -> {
      ctx.attribute(START_NANOS, System.nanoTime());
      String path = ctx.path();
      if ((path.startsWith("/v1/") || path.startsWith("/internal/")) && settings.authToken().isPresent()) {
        requireToken(ctx, settings.authToken().get());
      }
    });
    app.after(ctx -> {
      Long start = ctx.attribute(START_NANOS);
      if (start != null && !ctx.path().endsWith("/events")) {
        String route = ctx.endpointHandlerPath();
        Timer.builder("graphpaint.http.requests")
            .description("HTTP requests served by the orchestrator")
            .tag("method", ctx.method().name())
            .tag("route", route == null || route.isEmpty() ? "unmatched" : route)
            .tag("status", Integer.toString(ctx.statusCode()))
            .publishPercentiles(0.5, 0.99)
            .register(deps.metrics())
            .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    });

    app.get("/health", ctx -> ctx.json(Map.of("status", "UP")));
    app.get("/ready", ctx -> {
      KafkaStreams.State state = deps.streamsState().get();
      boolean ready = state == KafkaStreams.State.RUNNING;
      ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "READY" : "NOT_READY", "streams", state.name()));
    });
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(deps.metrics().scrape()));
    app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));

    app.post("/v1/generations", ctx -> submit(ctx, null));
    app.put("/v1/generations/{id}", ctx -> submit(ctx, requireId(ctx.pathParam("id"), "id")));
    app.get("/v1/generations", this::list);
    app.get("/v1/generations/{id}", ctx -> {
      String id = requireId(ctx.pathParam("id"), "id");
      StatusQueries.Read read = query(() -> deps.queries().statusOrStandby(id));
      RequestStatus status = read.status().orElseThrow(() -> notFound(id));
      if (read.stale()) {
        // the owner could not answer (crashed, or its store is restoring): a standby copy, maybe behind
        ctx.header(STALE_HEADER, "standby");
      }
      ctx.json(StatusView.of(status, deps.imageLinks()));
    });
    app.get("/v1/generations/{id}/events", ctx -> {
      String id = requireId(ctx.pathParam("id"), "id");
      sse.handler(id).handle(ctx);
    });
    app.post("/v1/generations/{id}/cancel", this::cancel);
    app.post("/v1/datasets/{id}/updates", this::datasetUpdate);
    app.get("/v1/models", this::models);
    app.post("/v1/models/{name}/{version}/promote", this::promote);
    app.get("/v1/vocabulary", ctx -> ctx.json(deps.vocabulary().current()));

    app.get(StatusQueries.INTERNAL_STATUS + "{id}", ctx -> {
      String id = requireId(ctx.pathParam("id"), "id");
      boolean stale = Boolean.parseBoolean(ctx.queryParam(StatusQueries.STALE_PARAMETER));
      Optional<RequestStatus> status = query(() -> deps.queries().localStatus(id, -1, stale));
      if (status.isEmpty()) {
        throw notFound(id);
      }
      ctx.contentType(AvroBinary.CONTENT_TYPE)
          .result(AvroBinary.encodeList(List.of(status.get()), RequestStatus.getClassSchema()));
    });
    app.get(StatusQueries.INTERNAL_RECENT, ctx -> {
      int limit = limit(ctx);
      Set<Integer> partitions = partitions(ctx.queryParam(StatusQueries.PARTITIONS_PARAMETER));
      boolean stale = Boolean.parseBoolean(ctx.queryParam(StatusQueries.STALE_PARAMETER));
      ctx.contentType(AvroBinary.CONTENT_TYPE).result(AvroBinary.encodeList(
          query(() -> deps.queries().localRecent(limit, partitions, stale)), RequestStatus.getClassSchema()));
    });
    app.get(StatusQueries.INTERNAL_MODEL_COUNTS, ctx -> {
      Set<Integer> partitions = partitions(ctx.queryParam(StatusQueries.PARTITIONS_PARAMETER));
      boolean stale = Boolean.parseBoolean(ctx.queryParam(StatusQueries.STALE_PARAMETER));
      ctx.contentType(AvroBinary.CONTENT_TYPE).result(AvroBinary.encodeList(
          query(() -> deps.queries().localModelCounts(partitions, stale)), ModelCounts.getClassSchema()));
    });

    app.exception(ApiProblem.class, (e, ctx) -> problem(ctx, e));
    app.exception(StoreUnavailableException.class, (e, ctx) -> {
      ctx.header("Retry-After", "1");
      problem(ctx, new ApiProblem(ApiProblem.Kind.UNAVAILABLE, e.getMessage()));
    });
    app.exception(EventPublisher.PublishException.class, (e, ctx) -> {
      ctx.header("Retry-After", "1");
      problem(ctx, new ApiProblem(ApiProblem.Kind.UNAVAILABLE, e.getMessage()));
    });
    app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> problem(ctx,
        new ApiProblem(kindFor(e.getStatus()), e.getMessage())));
    app.exception(Exception.class, (e, ctx) -> {
      log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
      problem(ctx, new ApiProblem(ApiProblem.Kind.INTERNAL, "unexpected failure: " + e.getClass().getSimpleName()));
    });
    app.error(404, ctx -> {
      if (!isProblem(ctx)) {
        problem(ctx, new ApiProblem(ApiProblem.Kind.NOT_FOUND, "no resource at " + ctx.path()));
      }
    });
    app.error(405, ctx -> {
      if (!isProblem(ctx)) {
        problem(ctx, new ApiProblem(ApiProblem.Kind.METHOD_NOT_ALLOWED,
            ctx.method() + " is not allowed on " + ctx.path()));
      }
    });
  }

  // ---- handlers

  private void submit(Context ctx, String pathId) {
    byte[] body = readBody(ctx);
    String generatedId = UUID.randomUUID().toString();
    Instant now = deps.clock().instant();
    GenerationRequest request = parser.parse(body, pathId, generatedId, now);
    String id = request.getRequestId();
    boolean callerChoseId = !id.equals(generatedId);
    if (callerChoseId) {
      // The id is the idempotency key: a repeat of the same request answers with its status.
      Optional<RequestStatus> existing;
      try {
        existing = deps.queries().status(id);
      } catch (StoreUnavailableException e) {
        existing = Optional.empty(); // the topology keeps the first request anyway
      }
      if (existing.isPresent() && existing.get().getRequest() != null) {
        RequestDetails before = existing.get().getRequest();
        RequestDetails now2 = StatusFold.detailsOf(request);
        if (!before.equals(now2)) {
          throw new ApiProblem(ApiProblem.Kind.CONFLICT, "request " + id
              + " exists with different content; choose another id or repeat it unchanged",
              differences(before, now2));
        }
        ctx.status(200).json(accepted(id, existing.get().getState().name()));
        return;
      }
    }
    deps.publisher().publish(Topic.REQUESTS, id, request);
    ctx.status(202).header("Location", "/v1/generations/" + id).json(accepted(id, "SUBMITTED"));
  }

  private static Map<String, Object> accepted(String id, String state) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", id);
    body.put("state", state);
    body.put("statusUrl", "/v1/generations/" + id);
    body.put("eventsUrl", "/v1/generations/" + id + "/events");
    return body;
  }

  private static List<FieldError> differences(RequestDetails a, RequestDetails b) {
    List<FieldError> out = new ArrayList<>();
    for (org.apache.avro.Schema.Field field : RequestDetails.getClassSchema().getFields()) {
      if (!java.util.Objects.equals(a.get(field.pos()), b.get(field.pos()))) {
        String name = field.name().equals("graphJson") ? "graph"
            : field.name().equals("pinnedModelVersion") ? "modelVersion" : field.name();
        out.add(new FieldError(name, "differs from the request already submitted under this id"));
      }
    }
    return out;
  }

  private void list(Context ctx) {
    int limit = limit(ctx);
    List<Map<String, Object>> items = new ArrayList<>();
    StatusQueries.ListRead read = query(() -> deps.queries().recentOrStandby(limit));
    for (RequestStatus status : read.statuses()) {
      items.add(StatusView.of(status, deps.imageLinks()));
    }
    if (read.stale()) {
      // an instance could not answer: its partitions came from standby copies, maybe behind
      ctx.header(STALE_HEADER, "standby");
    }
    ctx.json(Map.of("items", items, "limit", limit));
  }

  /** {@code 0,3,5} as partition numbers; null (absent) for the active partitions. */
  private static Set<Integer> partitions(String raw) {
    if (raw == null) {
      return null;
    }
    Set<Integer> out = new java.util.TreeSet<>();
    for (String part : raw.split(",", -1)) {
      try {
        int partition = Integer.parseInt(part.trim());
        if (partition >= 0) {
          out.add(partition);
          continue;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new ApiProblem(ApiProblem.Kind.INVALID_PARAMETER, "partitions is malformed",
          List.of(new FieldError(StatusQueries.PARTITIONS_PARAMETER,
              "must be comma-separated partition numbers >= 0, e.g. 0,3; got '" + raw + "'")));
    }
    return out;
  }

  private int limit(Context ctx) {
    String raw = ctx.queryParam("limit");
    if (raw == null) {
      return Math.min(20, settings.listMaxLimit());
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= settings.listMaxLimit()) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ApiProblem(ApiProblem.Kind.INVALID_PARAMETER, "limit is out of range",
        List.of(new FieldError("limit", "must be an integer in [1, " + settings.listMaxLimit()
            + "], got '" + raw + "'")));
  }

  private void cancel(Context ctx) {
    String id = requireId(ctx.pathParam("id"), "id");
    String reason = null;
    byte[] body = readBody(ctx);
    if (body.length > 0) {
      JsonNode node = parseObject(body);
      List<FieldError> errors = new ArrayList<>();
      unknownFields(node, CANCEL_FIELDS, errors);
      JsonNode r = node.get("reason");
      if (r != null && !r.isNull() && (!r.isTextual() || r.asText().length() > 1024)) {
        errors.add(new FieldError("reason", "must be a string of at most 1024 characters"));
      } else if (r != null && !r.isNull()) {
        reason = r.asText();
      }
      if (!errors.isEmpty()) {
        throw new ApiProblem(ApiProblem.Kind.INVALID_REQUEST, "the cancellation is invalid", errors);
      }
    }
    RequestStatus status = query(() -> deps.queries().status(id)).orElseThrow(() -> notFound(id));
    if (StatusFold.isTerminal(status)) {
      throw new ApiProblem(ApiProblem.Kind.CONFLICT, "request " + id + " is already "
          + status.getState() + "; only SUBMITTED or RUNNING requests can be cancelled");
    }
    CancelRequest cancel = CancelRequest.newBuilder().setRequestId(id).setReason(reason)
        .setRequestedAt(deps.clock().instant()).build();
    deps.publisher().publish(Topic.CANCELLATIONS, id, cancel);
    ctx.status(202).json(accepted(id, status.getState().name()));
  }

  private void datasetUpdate(Context ctx) {
    String datasetId = requireId(ctx.pathParam("id"), "id");
    JsonNode node = parseObject(readBody(ctx));
    List<FieldError> errors = new ArrayList<>();
    unknownFields(node, DATASET_FIELDS, errors);
    String version = text(node, "version", true, errors);
    if (version != null && !Ids.isValid(version)) {
      errors.add(new FieldError("version", "must match " + Ids.RULE));
    }
    String manifestUri = text(node, "manifestUri", true, errors);
    if (manifestUri != null) {
      try {
        io.graphpaint.storage.S3Uri.parse(manifestUri);
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("manifestUri", "must be s3://bucket/key: " + e.getMessage()));
      }
    }
    DatasetFormat format = enumValue(node, "format", DatasetFormat.class, true, errors);
    JsonNode count = node.get("sampleCount");
    if (count == null || !count.isIntegralNumber() || !count.canConvertToInt() || count.asInt() < 1) {
      errors.add(new FieldError("sampleCount", "is required: an integer >= 1"));
    }
    String modelName = text(node, "modelName", false, errors);
    if (modelName != null && !Ids.isValid(modelName)) {
      errors.add(new FieldError("modelName", "must match " + Ids.RULE));
    }
    UnknownLabelPolicy policy = enumValue(node, "unknownLabelPolicy", UnknownLabelPolicy.class, false, errors);
    if (!errors.isEmpty()) {
      throw new ApiProblem(ApiProblem.Kind.INVALID_REQUEST, "the dataset update is invalid", errors);
    }
    DatasetUpdate update = DatasetUpdate.newBuilder()
        .setDatasetId(datasetId).setVersion(version).setManifestUri(manifestUri).setFormat(format)
        .setSampleCount(count.asInt())
        .setModelName(modelName == null ? "default" : modelName)
        .setUnknownLabelPolicy(policy == null ? UnknownLabelPolicy.REJECT : policy)
        .setSubmittedAt(deps.clock().instant()).build();
    deps.publisher().publish(Topic.DATASET_UPDATES, datasetId, update);
    ctx.status(202).json(Map.of("datasetId", datasetId, "version", version));
  }

  private void models(Context ctx) {
    StatusQueries.CountsRead read = query(() -> deps.queries().modelCountsOrStandby());
    if (read.stale()) {
      // an instance could not answer: its counts come from standby copies, maybe behind
      ctx.header(STALE_HEADER, "standby");
    }
    Map<String, ModelCounts> counts = read.counts();
    List<Map<String, Object>> items = new ArrayList<>();
    List<ModelPublished> models = new ArrayList<>(query(() -> deps.queries().models()));
    models.sort(Comparator.comparing(ModelPublished::getModelName)
        .thenComparing(ModelPublished::getCreatedAt, Comparator.reverseOrder()));
    for (ModelPublished model : models) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("modelName", model.getModelName());
      item.put("version", model.getVersion());
      item.put("promoted", model.getPromoted());
      item.put("artifactUri", model.getArtifactUri());
      item.put("baseVersion", model.getBaseVersion());
      item.put("datasetVersion", model.getDatasetVersion());
      item.put("metrics", model.getMetrics());
      item.put("createdAt", model.getCreatedAt().toString());
      ModelCounts c = counts.get(model.getVersion());
      item.put("completed", c == null ? 0 : c.getCompleted());
      item.put("failed", c == null ? 0 : c.getFailed());
      item.put("cancelled", c == null ? 0 : c.getCancelled());
      items.add(item);
    }
    List<Map<String, Object>> outcomes = new ArrayList<>();
    counts.values().stream().sorted(Comparator.comparing(ModelCounts::getModelVersion)).forEach(c ->
        outcomes.add(Map.of("modelVersion", c.getModelVersion(), "completed", c.getCompleted(),
            "failed", c.getFailed(), "cancelled", c.getCancelled())));
    ctx.json(Map.of("items", items, "outcomesByVersion", outcomes));
  }

  private void promote(Context ctx) {
    String name = requireId(ctx.pathParam("name"), "name");
    String version = requireId(ctx.pathParam("version"), "version");
    String key = name + "/" + version;
    ModelPublished model = query(() -> deps.queries().models()).stream()
        .filter(m -> m.getModelName().equals(name) && m.getVersion().equals(version))
        .findFirst()
        .orElseThrow(() -> new ApiProblem(ApiProblem.Kind.NOT_FOUND, "model " + key
            + " has not been published"));
    ModelPublished promoted = ModelPublished.newBuilder(model).setPromoted(true).build();
    deps.publisher().publish(Topic.MODELS, key, promoted);
    ctx.status(202).json(Map.of("modelName", name, "version", version, "promoted", true));
  }

  // ---- request reading, validation and problem rendering

  private static <T> T query(Supplier<T> supplier) {
    return supplier.get();
  }

  private static ApiProblem notFound(String id) {
    return new ApiProblem(ApiProblem.Kind.NOT_FOUND, "no generation request with id '" + id + "'");
  }

  static String requireId(String value, String field) {
    if (!Ids.isValid(value)) {
      throw new ApiProblem(ApiProblem.Kind.INVALID_PARAMETER, "the " + field + " in the path is invalid",
          List.of(new FieldError(field, "must match " + Ids.RULE)));
    }
    return value;
  }

  private byte[] readBody(Context ctx) {
    long declared = ctx.contentLength();
    int max = settings.maxBodyBytes();
    if (declared > max) {
      throw tooLarge(declared, max);
    }
    String contentType = ctx.contentType();
    if (contentType != null && !contentType.isBlank()
        && !contentType.toLowerCase().startsWith("application/json")) {
      throw new ApiProblem(ApiProblem.Kind.UNSUPPORTED_MEDIA_TYPE,
          "send application/json, not " + contentType);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes(max + 1);
      if (bytes.length > max) {
        throw tooLarge(-1, max);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ApiProblem tooLarge(long declared, int max) {
    return new ApiProblem(ApiProblem.Kind.BODY_TOO_LARGE, "the body has "
        + (declared >= 0 ? declared + " bytes" : "more bytes") + "; at most " + max + " are accepted",
        List.of(new FieldError("$", "must be at most " + max + " bytes")));
  }

  private static JsonNode parseObject(byte[] body) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiProblem(ApiProblem.Kind.MALFORMED_JSON, "the body is not valid JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ApiProblem(ApiProblem.Kind.INVALID_REQUEST, "the body must be a JSON object",
          List.of(new FieldError("$", "must be a JSON object")));
    }
    return node;
  }

  private static void unknownFields(JsonNode node, Set<String> known, List<FieldError> errors) {
    node.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) {
        errors.add(new FieldError(name, "is not a known field; allowed: " + known.stream().sorted().toList()));
      }
    });
  }

  private static String text(JsonNode node, String field, boolean required, List<FieldError> errors) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        errors.add(new FieldError(field, "is required"));
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 2048) {
      errors.add(new FieldError(field, "must be a non-blank string of at most 2048 characters"));
      return null;
    }
    return value.asText();
  }

  private static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type,
      boolean required, List<FieldError> errors) {
    String value = text(node, field, required, errors);
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError(field, "must be one of " + List.of(type.getEnumConstants())));
      return null;
    }
  }

  private static void requireToken(Context ctx, String expected) {
    String header = ctx.header("Authorization");
    String presented = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = header.substring(7).trim();
    } else if (ctx.method() == HandlerType.GET && ctx.path().endsWith("/events")) {
      presented = ctx.queryParam("access_token"); // EventSource cannot set headers
    }
    // Constant-time: the time taken does not tell how much of the token was right.
    if (presented == null || !MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"graphpaint\"");
      throw new ApiProblem(ApiProblem.Kind.UNAUTHORIZED,
          "send 'Authorization: Bearer <token>' with the configured API token");
    }
  }

  private static boolean isProblem(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith(PROBLEM_JSON);
  }

  private static ApiProblem.Kind kindFor(int status) {
    for (ApiProblem.Kind kind : ApiProblem.Kind.values()) {
      if (kind.status() == status) {
        return kind;
      }
    }
    return status >= 500 ? ApiProblem.Kind.INTERNAL : ApiProblem.Kind.INVALID_PARAMETER;
  }

  static void problem(Context ctx, ApiProblem problem) {
    ctx.status(problem.kind().status())
        .contentType(PROBLEM_JSON)
        .result(problemJson(problem, ctx.path()));
  }

  static String problemJson(ApiProblem problem, String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.kind().type());
    body.put("title", problem.kind().title());
    body.put("status", problem.kind().status());
    body.put("detail", problem.detail());
    body.put("instance", instance);
    List<Map<String, String>> errors = new ArrayList<>();
    for (FieldError error : problem.errors()) {
      errors.add(Map.of("field", error.field(), "rule", error.rule()));
    }
    body.put("errors", errors);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = HttpApi.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Errors Jetty raises before Javalin sees the request (ambiguous paths, bad URIs) as problems too. */
  private static final class ProblemErrorHandler extends ErrorHandler {
    @Override
    protected void generateAcceptableResponse(Request baseRequest,
        jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
        int code, String message) throws IOException {
      ApiProblem.Kind kind = kindFor(code);
      String detail = message == null || message.isBlank() ? kind.title() : message;
      baseRequest.setHandled(true);
      response.setContentType(PROBLEM_JSON);
      byte[] body = problemJson(new ApiProblem(kind, detail), request.getRequestURI())
          .replace("\"status\":" + kind.status(), "\"status\":" + code)
          .getBytes(StandardCharsets.UTF_8);
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }

    @Override
    public java.nio.ByteBuffer badMessageError(int status, String reason,
        org.eclipse.jetty.http.HttpFields.Mutable fields) {
      fields.put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
      ApiProblem.Kind kind = kindFor(status);
      String json = problemJson(new ApiProblem(kind, reason == null ? kind.title() : reason), null)
          .replace("\"status\":" + kind.status(), "\"status\":" + status);
      return java.nio.ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
    }
  }
}
