package io.graphpaint.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ImageRef;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.Timings;
import io.graphpaint.orchestrator.status.StatusTopology;
import io.graphpaint.schemas.Topic;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two orchestrator instances on a real broker, registry and S3 server. The generation worker is
 * played by the test: it writes progress and results straight onto the topics.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE, parts = {DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY, DevStack.Part.S3})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrchestratorEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GRAPH =
      "{\"objects\": [\"red circle\", \"blue square\"], \"relationships\": [[0, \"left of\", 1]]}";

  private static final String TOKEN = "it-token-0123456789";

  private Cluster cluster;

  @BeforeAll
  void start(DevStack stack) throws Exception {
    cluster = new Cluster(stack, 2, Map.of("graphpaint.http.auth.token", TOKEN));
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void badRequestsGetProblemDocumentsAndNothingReachesKafka() throws Exception {
    record Case(String name, String method, String path, String body, int status, String errorField) {}
    String tenMegabytes = "{\"objects\": [\"" + "x".repeat(10 * 1024 * 1024) + "\"]}";
    List<Case> cases = List.of(
        new Case("malformed JSON", "POST", "/v1/generations", "{\"objects\": [\"a\",", 400, null),
        new Case("not an object", "POST", "/v1/generations", "[1, 2]", 422, "$"),
        new Case("unknown top-level field", "POST", "/v1/generations",
            "{\"graph\": " + GRAPH + ", \"colour\": \"red\"}", 422, "colour"),
        new Case("unknown graph field", "POST", "/v1/generations",
            "{\"objects\": [\"a\"], \"edges\": []}", 422, "edges"),
        new Case("subject index out of range", "POST", "/v1/generations",
            "{\"objects\": [\"a\", \"b\"], \"relationships\": [[0, \"left of\", 2]]}", 422,
            "relationships[0][2]"),
        new Case("negative index", "POST", "/v1/generations",
            "{\"objects\": [\"a\", \"b\"], \"relationships\": [[-1, \"left of\", 1]]}", 422,
            "relationships[0][0]"),
        new Case("too many images", "POST", "/v1/generations",
            "{\"graph\": " + GRAPH + ", \"numImages\": 9}", 422, "numImages"),
        new Case("too many objects", "POST", "/v1/generations",
            "{\"objects\": [" + "\"a\",".repeat(32) + "\"a\"]}", 422, "objects"),
        new Case("10 MB body", "POST", "/v1/generations", tenMegabytes, 413, "$"),
        new Case("id with an encoded slash", "PUT", "/v1/generations/a%2Fb", GRAPH, 400, null),
        new Case("id with a slash", "PUT", "/v1/generations/a/b", GRAPH, 404, null),
        new Case("id '..'", "PUT", "/v1/generations/..", GRAPH, 400, null),
        new Case("id with a space", "PUT", "/v1/generations/a%20b", GRAPH, 400, "id"),
        new Case("id of 129 characters", "PUT", "/v1/generations/" + "a".repeat(129), GRAPH, 400, "id"),
        new Case("body id differs from path id", "PUT", "/v1/generations/abc",
            "{\"requestId\": \"xyz\", \"graph\": " + GRAPH + "}", 422, "requestId"),
        new Case("wrong content type", "POST", "/v1/generations", GRAPH, 415, null),
        new Case("cancel of an unknown id", "POST", "/v1/generations/never-submitted/cancel", null, 404, null),
        new Case("bad limit", "GET", "/v1/generations?limit=0", null, 400, "limit"),
        new Case("dataset update without fields", "POST", "/v1/datasets/shapes/updates", "{}", 422, "version"));

    long requestsBefore = cluster.endOffsets(Topic.REQUESTS);
    long cancelsBefore = cluster.endOffsets(Topic.CANCELLATIONS);
    long updatesBefore = cluster.endOffsets(Topic.DATASET_UPDATES);
    for (Case c : cases) {
      HttpResponse<String> response;
      try {
        response = cluster.send(0, c.method(), c.path(), c.body(),
            c.name().equals("wrong content type") ? "text/plain" : "application/json");
      } catch (java.io.IOException e) {
        throw new AssertionError(c.name() + ": no HTTP answer: " + e, e);
      }
      assertThat(response.statusCode()).as(c.name() + ": " + response.body()).isEqualTo(c.status());
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .as(c.name()).startsWith("application/problem+json");
      JsonNode problem = JSON.readTree(response.body());
      assertThat(problem.path("status").asInt()).as(c.name()).isEqualTo(c.status());
      assertThat(problem.path("type").asText()).as(c.name()).isNotBlank();
      assertThat(problem.path("title").asText()).as(c.name()).isNotBlank();
      assertThat(problem.path("detail").asText()).as(c.name()).isNotBlank();
      if (c.errorField() != null) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
        assertThat(fields).as(c.name() + ": " + response.body()).anyMatch(f -> f.endsWith(c.errorField()));
        problem.path("errors").forEach(e -> assertThat(e.path("rule").asText()).isNotBlank());
      }
    }
    // Not one record was added by the bad requests (the suite's stack may hold other tests' records).
    assertThat(cluster.endOffsets(Topic.REQUESTS)).as("records on graphpaint.requests").isEqualTo(requestsBefore);
    assertThat(cluster.endOffsets(Topic.CANCELLATIONS)).as("graphpaint.cancellations").isEqualTo(cancelsBefore);
    assertThat(cluster.endOffsets(Topic.DATASET_UPDATES)).as("graphpaint.dataset-updates").isEqualTo(updatesBefore);
  }

  @Test
  @Order(2)
  void submittedRequestReachesCompletedWithDownloadableImagesAndSseFollowsIt() throws Exception {
    // A real PNG where the worker would have put it.
    byte[] png = png();
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));

    HttpResponse<String> accepted = cluster.send(0, "POST", "/v1/generations",
        "{\"graph\": " + GRAPH + ", \"numImages\": 1, \"seed\": 7, \"steps\": 50}", "application/json");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode body = JSON.readTree(accepted.body());
    String id = body.path("requestId").asText();
    assertThat(body.path("statusUrl").asText()).isEqualTo("/v1/generations/" + id);
    assertThat(accepted.headers().firstValue("Location")).hasValue("/v1/generations/" + id);

    // Both instances see it SUBMITTED, whichever owns the key.
    for (int instance = 0; instance < 2; instance++) {
      int i = instance;
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        HttpResponse<String> status = cluster.get(i, "/v1/generations/" + id);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(status.body()).path("state").asText()).isEqualTo("SUBMITTED");
      });
    }

    // Follow it over SSE on the second instance while the "worker" reports.
    SseReader sse = new SseReader(cluster.http,
        cluster.base(1) + "/v1/generations/" + id + "/events?access_token=" + TOKEN);
    await().atMost(Duration.ofSeconds(10)).until(() -> !sse.events.isEmpty());

    String key = "images/" + id + "/0.png";
    String bucket = cluster.store.buckets().images();
    cluster.store.put(bucket, key, png, "image/png", Map.of());
    Instant t = Instant.now();
    cluster.produce(Topic.PROGRESS, id, progress(id, 10, 50, t));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(sse.events).anyMatch(e -> e.data().contains("\"step\":10")));
    cluster.produce(Topic.PROGRESS, id, progress(id, 30, 50, t.plusMillis(10)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(sse.events).anyMatch(e -> e.data().contains("\"step\":30")));
    cluster.produce(Topic.RESULTS, id, GenerationResult.newBuilder().setRequestId(id).setOutcome(
        GenerationCompleted.newBuilder().setRequestId(id).setModelVersion("it-v1")
            .setImages(List.of(ImageRef.newBuilder().setBucket(bucket).setKey(key).setWidth(32)
                .setHeight(32).setSha256(sha256).setSeed(7L).build()))
            .setTimings(Timings.newBuilder().setQueuedMs(1).setEncodeMs(2).setSampleMs(3).setStoreMs(4).build())
            .setWorkerId("it-worker").setCompletedAt(t.plusMillis(20)).setTags(Map.of()).build()).build());

    sse.done.get(20, java.util.concurrent.TimeUnit.SECONDS); // the server closes the stream at the end
    List<String> names = sse.events.stream().map(SseReader.Event::name).toList();
    assertThat(names.get(0)).isEqualTo("status");
    assertThat(names).endsWith("completed").containsOnlyOnce("completed");
    JsonNode running = sse.events.stream().filter(e -> e.data().contains("\"step\":30"))
        .map(e -> read(e.data())).findFirst().orElseThrow();
    assertThat(running.path("state").asText()).isEqualTo("RUNNING");
    assertThat(running.path("progress").path("fraction").asDouble()).isEqualTo(0.6);

    for (int instance = 0; instance < 2; instance++) {
      HttpResponse<String> status = cluster.get(instance, "/v1/generations/" + id);
      JsonNode done = JSON.readTree(status.body());
      assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
      assertThat(done.path("modelVersion").asText()).isEqualTo("it-v1");
      assertThat(done.path("progress").path("step").asInt()).isEqualTo(50);
      assertThat(done.path("request").path("seed").asLong()).isEqualTo(7L);
      String url = done.path("images").get(0).path("url").asText();
      HttpResponse<byte[]> image = cluster.http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(image.statusCode()).isEqualTo(200);
      assertThat(image.body()).isEqualTo(png);
      assertThat(ImageIO.read(new java.io.ByteArrayInputStream(image.body())).getWidth()).isEqualTo(32);
    }

    // Per-model counts and the models table, through the API.
    ModelPublished model = ModelPublished.newBuilder().setModelName("default").setVersion("it-v1")
        .setArtifactUri("s3://graphpaint-models/models/default/it-v1/").setBaseVersion(null)
        .setDatasetVersion("d1").setMetrics(Map.of("oor", 0.75)).setPromoted(false)
        .setCreatedAt(t).build();
    cluster.produce(Topic.MODELS, "default/it-v1", model);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode models = JSON.readTree(cluster.get(1, "/v1/models").body());
      assertThat(models.path("items")).hasSize(1);
      JsonNode item = models.path("items").get(0);
      assertThat(item.path("version").asText()).isEqualTo("it-v1");
      assertThat(item.path("completed").asLong()).isEqualTo(1);
      assertThat(item.path("metrics").path("oor").asDouble()).isEqualTo(0.75);
    });
    HttpResponse<String> promote = cluster.send(0, "POST", "/v1/models/default/it-v1/promote", null, null);
    assertThat(promote.statusCode()).as(promote.body()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        JSON.readTree(cluster.get(0, "/v1/models").body()).path("items").get(0).path("promoted").asBoolean())
        .isTrue());

    // A cancel after completion is refused, and nothing is published.
    long cancelsBefore = cluster.endOffsets(Topic.CANCELLATIONS);
    HttpResponse<String> lateCancel = cluster.send(1, "POST", "/v1/generations/" + id + "/cancel", null, null);
    assertThat(lateCancel.statusCode()).isEqualTo(409);
    assertThat(cluster.endOffsets(Topic.CANCELLATIONS)).isEqualTo(cancelsBefore);
  }

  @Test
  @Order(3)
  void everyInstanceAnswersForEveryKey() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String id = "key-" + i;
      HttpResponse<String> accepted = cluster.send(i % 2, "PUT", "/v1/generations/" + id, GRAPH, "application/json");
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      ids.add(id);
    }
    // Keys are spread over both instances, so half the answers below are forwarded.
    Set<Integer> owners = new HashSet<>();
    for (String id : ids) {
      owners.add(cluster.apps.get(0).streams().queryMetadataForKey(StatusTopology.STATUS_STORE, id,
          Serdes.String().serializer()).activeHost().port());
    }
    assertThat(owners).containsExactlyInAnyOrder(cluster.apps.get(0).port(), cluster.apps.get(1).port());
    for (String id : ids) {
      for (int instance = 0; instance < 2; instance++) {
        int i = instance;
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          HttpResponse<String> status = cluster.get(i, "/v1/generations/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
          assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
          assertThat(JSON.readTree(status.body()).path("requestId").asText()).isEqualTo(id);
        });
      }
    }
    // Repeating a PUT is harmless; changing it under the same id is a conflict.
    HttpResponse<String> repeat = cluster.send(1, "PUT", "/v1/generations/key-0", GRAPH, "application/json");
    assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(200);
    HttpResponse<String> changed = cluster.send(1, "PUT", "/v1/generations/key-0",
        "{\"objects\": [\"green triangle\"]}", "application/json");
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(409);
    assertThat(JSON.readTree(changed.body()).path("errors").get(0).path("field").asText()).isEqualTo("graph");

    // The recent list merges both instances, newest first.
    for (int instance = 0; instance < 2; instance++) {
      JsonNode list = JSON.readTree(cluster.get(instance, "/v1/generations?limit=100").body());
      List<String> listed = new ArrayList<>();
      List<java.time.Instant> submitted = new ArrayList<>();
      list.path("items").forEach(item -> {
        listed.add(item.path("requestId").asText());
        // As instants: ISO-8601 text drops a zero fraction ("...:37Z"), which sorts after "...:37.300Z" as text.
        submitted.add(java.time.Instant.parse(item.path("submittedAt").asText()));
      });
      assertThat(listed).containsAll(ids);
      List<java.time.Instant> sorted = new ArrayList<>(submitted);
      sorted.sort(java.util.Comparator.reverseOrder());
      assertThat(submitted).isEqualTo(sorted);
    }
    HttpResponse<String> ready = cluster.get(1, "/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    String metrics = cluster.get(0, "/metrics").body();
    assertThat(metrics).contains("kafka_stream").contains("graphpaint_http_requests");
    JsonNode openApi = JSON.readTree(cluster.get(0, "/openapi.json").body());
    assertThat(openApi.path("openapi").asText()).startsWith("3.");
    assertThat(openApi.path("paths").has("/v1/generations/{id}/events")).isTrue();
  }

  @Test
  @Order(4)
  void tokenIsRequiredCancelAndDatasetUpdatesArePublishedVocabularyComesFromTheModel() throws Exception {
    // Without or with a wrong token: 401 problem documents; health stays open.
    for (String header : new String[] {null, "Bearer wrong-token", "Bearer " + TOKEN + "x", "Basic abc"}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.base(0) + "/v1/generations")).GET();
      if (header != null) {
        request.header("Authorization", header);
      }
      HttpResponse<String> response = cluster.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(String.valueOf(header)).isEqualTo(401);
      assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
    }
    assertThat(cluster.http.send(HttpRequest.newBuilder(URI.create(cluster.base(0) + "/health")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    // Undecodable bytes on a status topic are skipped, not fatal: later events still fold.
    cluster.produceRaw(Topic.PROGRESS, "to-cancel", "not avro".getBytes(StandardCharsets.UTF_8));
    cluster.produceRaw(Topic.RESULTS, "to-cancel", new byte[] {0, 0, 0, 0, 99, 1, 2});

    // Cancel a request that has not started: CANCELLED on both instances.
    HttpResponse<String> accepted = cluster.send(0, "PUT", "/v1/generations/to-cancel", GRAPH, "application/json");
    assertThat(accepted.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.get(1, "/v1/generations/to-cancel").statusCode() == 200);
    long cancels = cluster.endOffsets(Topic.CANCELLATIONS);
    HttpResponse<String> cancel = cluster.send(1, "POST", "/v1/generations/to-cancel/cancel",
        "{\"reason\": \"changed my mind\"}", "application/json");
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
    assertThat(cluster.endOffsets(Topic.CANCELLATIONS)).isEqualTo(cancels + 1);
    for (int instance = 0; instance < 2; instance++) {
      int i = instance;
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        JsonNode status = JSON.readTree(cluster.get(i, "/v1/generations/to-cancel").body());
        assertThat(status.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(status.path("cancel").path("reason").asText()).isEqualTo("changed my mind");
      });
    }
    assertThat(cluster.apps).allSatisfy(app ->
        assertThat(app.streams().state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING));

    // A dataset update becomes one record on its topic.
    long updates = cluster.endOffsets(Topic.DATASET_UPDATES);
    HttpResponse<String> update = cluster.send(0, "POST", "/v1/datasets/shapes/updates",
        "{\"version\": \"2\", \"manifestUri\": \"s3://graphpaint-datasets/datasets/shapes/2/manifest.jsonl\","
            + " \"format\": \"SYNTHETIC_SHAPES\", \"sampleCount\": 1000}", "application/json");
    assertThat(update.statusCode()).as(update.body()).isEqualTo(202);
    assertThat(cluster.endOffsets(Topic.DATASET_UPDATES)).isEqualTo(updates + 1);

    // The promoted model's vocabulary (from its model.json in the object store).
    cluster.store.put(cluster.store.buckets().models(), "models/default/it-v1/model.json",
        ("{\"vocabulary\": {\"objects\": [\"__image__\", \"red circle\", \"blue square\"],"
            + " \"predicates\": [\"__in_image__\", \"left of\", \"above\"]}}").getBytes(StandardCharsets.UTF_8),
        "application/json", Map.of());
    JsonNode vocabulary = JSON.readTree(cluster.get(1, "/v1/vocabulary").body());
    assertThat(vocabulary.path("source").asText()).isEqualTo("model");
    assertThat(vocabulary.path("modelVersion").asText()).isEqualTo("it-v1");
    assertThat(vocabulary.path("objects").toString()).isEqualTo("[\"red circle\",\"blue square\"]");
    assertThat(vocabulary.path("predicates").toString()).isEqualTo("[\"left of\",\"above\"]");
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static GenerationProgress progress(String id, int step, int total, Instant at) {
    return GenerationProgress.newBuilder().setRequestId(id).setStep(step).setTotalSteps(total)
        .setWorkerId("it-worker").setAt(at).build();
  }

  static byte[] png() throws Exception {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 32, 32);
    g.setColor(Color.RED);
    g.fillOval(2, 10, 12, 12);
    g.setColor(Color.BLUE);
    g.fillRect(18, 10, 12, 12);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
