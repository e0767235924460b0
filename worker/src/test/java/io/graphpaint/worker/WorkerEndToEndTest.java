package io.graphpaint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationFailed;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ImageRef;
import io.graphpaint.storage.ObjectInfo;
import io.graphpaint.storage.Sha256;
import io.graphpaint.service.HealthServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One worker on the embedded broker, registry and S3 server, serving the trained model shipped in
 * the repository ({@link TestModels}: 32x32 images, {@value WorkerTestBed#STEPS} DDIM steps to keep
 * the suite short): 50 requests for the main path (some with two images), 10 garbage records among
 * 100 good ones, invalid graphs, a cancellation, a repeated request.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class WorkerEndToEndTest {

  private static WorkerTestBed bed;
  private static GenerationWorker worker;

  @BeforeAll
  static void startWorker(DevStack stack) {
    bed = new WorkerTestBed(stack);
    Map<String, Object> settings = bed.settings("e2e");
    settings.put(WorkerConfig.LIMIT_OBJECTS, "4");
    worker = bed.startWorker(settings, TestModels.directory("v1"));
  }

  @AfterAll
  static void stop() {
    bed.close();
    worker.shutdown(); // a second call is harmless
  }

  @Test
  void everyRequestCompletesOnceWithItsImagesStoredAsPngsOfTheRequestedSize() throws Exception {
    List<GenerationRequest> sent = IntStream.range(0, 50).mapToObj(i -> WorkerTestBed.good("happy-" + i, i % 5 == 0 ? 2 : 1)).toList();
    bed.send(sent);
    Set<String> ids = sent.stream().map(GenerationRequest::getRequestId).collect(Collectors.toSet());
    Map<String, List<GenerationResult>> results = bed.awaitResults(ids, Duration.ofSeconds(150));

    for (GenerationRequest request : sent) {
      List<GenerationResult> outcomes = results.get(request.getRequestId());
      assertThat(outcomes).as("outcomes of %s", request.getRequestId()).hasSize(1);
      assertThat(outcomes.get(0).getOutcome()).isInstanceOf(GenerationCompleted.class);
      GenerationCompleted completed = (GenerationCompleted) outcomes.get(0).getOutcome();
      assertThat(completed.getModelVersion()).isEqualTo("default");
      assertThat(completed.getWorkerId()).isEqualTo("e2e");
      assertThat(completed.getTags()).containsEntry("test", "worker");
      assertThat(completed.getImages()).hasSize(request.getNumImages());
      long expectedSeed = request.getSeed() != null ? request.getSeed() : RequestValidator.seedOf(request.getRequestId());
      for (int n = 0; n < completed.getImages().size(); n++) {
        ImageRef image = completed.getImages().get(n);
        assertThat(image.getKey()).isEqualTo("images/" + request.getRequestId() + "/" + n + ".png");
        assertThat(image.getSeed()).isEqualTo(expectedSeed + n);
        byte[] png = bed.store.get(image.getBucket(), image.getKey());
        assertThat(Sha256.hex(png)).isEqualTo(image.getSha256());
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(decoded.getWidth()).isEqualTo(TestModels.SIZE);
        assertThat(decoded.getHeight()).isEqualTo(TestModels.SIZE);
        ObjectInfo info = bed.store.stat(image.getBucket(), image.getKey());
        assertThat(info.userMetadata()).containsEntry("request-id", request.getRequestId())
            .containsEntry("model-version", "default").containsEntry("seed", Long.toString(expectedSeed + n));
      }
    }
    // progress every 0.25 of 2 steps rounds to every step: one event per step, the last at 2 of 2
    List<io.graphpaint.events.GenerationProgress> progress = bed.progressOf("happy-3");
    assertThat(progress).extracting(event -> event.getStep()).containsExactly(1, 2);
    assertThat(progress).allSatisfy(event -> {
      assertThat(event.getTotalSteps()).isEqualTo(WorkerTestBed.STEPS);
      assertThat(event.getWorkerId()).isEqualTo("e2e");
    });
  }

  @Test
  void garbageGoesToTheDlqWithHeadersAndInvalidGraphsFailWithCodesWhileGoodRequestsComplete() {
    int dlqBefore = bed.deadLetters().size();
    List<GenerationRequest> good = new ArrayList<>();
    List<byte[]> garbage = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      GenerationRequest request = WorkerTestBed.good("mixed-" + i, 1);
      good.add(request);
      bed.send(List.of(request));
      if (i % 10 == 0) {
        byte[] junk = ("not avro " + i).getBytes(StandardCharsets.UTF_8);
        if (i % 20 == 0) {
          junk[0] = 0; // right magic byte, then an unknown schema id
        }
        garbage.add(junk);
        bed.sendRaw(("junk-" + i).getBytes(StandardCharsets.UTF_8), junk);
      }
    }
    GenerationRequest unknownLabel = WorkerTestBed.request("bad-label", List.of("red circel", "blue square"),
        List.of(WorkerTestBed.rel(0, "left of", 1)), 1, 1L);
    GenerationRequest outOfRange = WorkerTestBed.request("bad-index", List.of("red circle", "blue square"),
        List.of(WorkerTestBed.rel(0, "left of", 7)), 1, 1L);
    GenerationRequest tooMany = WorkerTestBed.request("too-many", List.of("red circle", "blue square",
        "red circle", "blue square", "red circle", "blue square"), List.of(), 1, 1L);
    GenerationRequest cancelled = WorkerTestBed.good("cancel-me", 1);
    bed.cancel(cancelled.getRequestId());
    WorkerTestBed.await(() -> true, Duration.ofSeconds(1), () -> "");
    bed.send(List.of(unknownLabel, outOfRange, tooMany, cancelled));

    Set<String> ids = new HashSet<>();
    good.forEach(request -> ids.add(request.getRequestId()));
    ids.addAll(List.of("bad-label", "bad-index", "too-many", "cancel-me"));
    Map<String, List<GenerationResult>> results = bed.awaitResults(ids, Duration.ofSeconds(150));
    for (GenerationRequest request : good) {
      assertThat(results.get(request.getRequestId())).hasSize(1);
      assertThat(results.get(request.getRequestId()).get(0).getOutcome()).isInstanceOf(GenerationCompleted.class);
    }
    GenerationFailed label = failure(results, "bad-label");
    assertThat(label.getCode()).isEqualTo(FailureCode.UNKNOWN_LABEL);
    assertThat(label.getMessage()).contains("'red circel'").contains("closest known: red circle");
    GenerationFailed index = failure(results, "bad-index");
    assertThat(index.getCode()).isEqualTo(FailureCode.INVALID_GRAPH);
    assertThat(index.getMessage()).contains("object index 7").contains("allowed indices are 0..1");
    GenerationFailed many = failure(results, "too-many");
    assertThat(many.getCode()).isEqualTo(FailureCode.LIMIT_EXCEEDED);
    assertThat(many.getMessage()).contains("6 objects").contains("at most 4");
    GenerationFailed cancel = failure(results, "cancel-me");
    assertThat(cancel.getCode()).isEqualTo(FailureCode.CANCELLED);
    assertThat(bed.store.exists(bed.store.buckets().images(), "images/cancel-me/0.png")).isFalse();

    WorkerTestBed.await(() -> bed.deadLetters().size() - dlqBefore == garbage.size(), Duration.ofSeconds(30),
        () -> "DLQ records: " + (bed.deadLetters().size() - dlqBefore));
    List<ConsumerRecord<byte[], byte[]>> dead = bed.deadLetters().subList(dlqBefore, dlqBefore + garbage.size());
    for (int i = 0; i < garbage.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = dead.get(i);
      assertThat(garbage).anySatisfy(bytes -> assertThat(record.value()).isEqualTo(bytes));
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).startsWith("junk-");
      assertThat(header(record, GenerationWorker.HEADER_TOPIC)).isEqualTo("graphpaint.requests");
      assertThat(Integer.parseInt(header(record, GenerationWorker.HEADER_PARTITION))).isBetween(0, 11);
      assertThat(Long.parseLong(header(record, GenerationWorker.HEADER_OFFSET))).isNotNegative();
      assertThat(header(record, GenerationWorker.HEADER_ERROR_CLASS)).isEqualTo("io.graphpaint.schemas.serde.SerdeException");
      assertThat(header(record, GenerationWorker.HEADER_ERROR_MESSAGE)).isNotBlank();
    }
    assertThat(bed.metrics(worker).registry().get("graphpaint.worker.failures").tag("code", "UNKNOWN_LABEL")
        .counter().count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theSameRequestIdAndSeedGeneratedTwiceGivesTheSameBytesUnderTheSameKey() {
    GenerationRequest request = WorkerTestBed.request("twice", List.of("red circle", "green square"),
        List.of(WorkerTestBed.rel(1, "below", 0)), 2, 7L);
    bed.send(List.of(request));
    GenerationCompleted first = (GenerationCompleted) bed.awaitResults(Set.of("twice"), Duration.ofSeconds(90))
        .get("twice").get(0).getOutcome();
    List<byte[]> firstBytes = first.getImages().stream().map(image -> bed.store.get(image.getBucket(), image.getKey())).toList();
    bed.send(List.of(request));
    WorkerTestBed.await(() -> bed.resultsFor(Set.of("twice")).get("twice").size() == 2, Duration.ofSeconds(90),
        () -> "the second outcome of 'twice'");
    GenerationCompleted second = (GenerationCompleted) bed.resultsFor(Set.of("twice")).get("twice").get(1).getOutcome();
    assertThat(second.getImages()).hasSize(2);
    for (int n = 0; n < 2; n++) {
      assertThat(second.getImages().get(n).getKey()).isEqualTo(first.getImages().get(n).getKey());
      assertThat(second.getImages().get(n).getSha256()).isEqualTo(first.getImages().get(n).getSha256());
      byte[] again = bed.store.get(second.getImages().get(n).getBucket(), second.getImages().get(n).getKey());
      assertThat(again).isEqualTo(firstBytes.get(n));
    }
  }

  @Test
  void healthReadinessAndPrometheusMetrics() throws Exception {
    WorkerTestBed.await(worker::isReady, Duration.ofSeconds(30), () -> "readiness");
    PrometheusMeterRegistry registry = (PrometheusMeterRegistry) bed.metrics(worker).registry();
    try (HealthServer http = new HealthServer("worker", 0, worker::isReady, () -> "test", registry)) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + http.port();
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("graphpaint_worker_model_version{model=\"default\",version=\"default\"} 1")
          .contains("graphpaint_worker_failures_total{code=\"CANCELLED\"}")
          .contains("graphpaint_worker_queue_time_seconds").contains("graphpaint_worker_in_flight");
    }
  }

  private static GenerationFailed failure(Map<String, List<GenerationResult>> results, String id) {
    assertThat(results.get(id)).hasSize(1);
    assertThat(results.get(id).get(0).getOutcome()).isInstanceOf(GenerationFailed.class);
    return (GenerationFailed) results.get(id).get(0).getOutcome();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header %s", name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
