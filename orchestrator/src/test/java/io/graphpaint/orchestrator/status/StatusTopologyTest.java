package io.graphpaint.orchestrator.status;

import static io.graphpaint.orchestrator.status.Events.cancel;
import static io.graphpaint.orchestrator.status.Events.completed;
import static io.graphpaint.orchestrator.status.Events.failed;
import static io.graphpaint.orchestrator.status.Events.progress;
import static io.graphpaint.orchestrator.status.Events.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.events.CancelRequest;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.schemas.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusTopologyTest {

  private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final String ID = "req-1";

  @TempDir
  Path stateDir;

  static {
    StatusClasses.trust();
  }

  private final AvroSerdes serdes = new BinaryAvroSerdes();
  private TopologyTestDriver driver;
  private TestInputTopic<String, GenerationRequest> requests;
  private TestInputTopic<String, GenerationProgress> progress;
  private TestInputTopic<String, GenerationResult> results;
  private TestInputTopic<String, CancelRequest> cancellations;
  private TestInputTopic<String, ModelPublished> models;

  @BeforeEach
  void start() {
    StreamsBuilder builder = new StreamsBuilder();
    StatusTopology.build(builder, serdes, new StatusTopology.Options(3, Duration.ofSeconds(10)));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "status-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    driver = new TopologyTestDriver(builder.build(), props);
    StringSerializer keys = new StringSerializer();
    requests = driver.createInputTopic(Topic.REQUESTS.topicName(), keys,
        serdes.forValue(GenerationRequest.class).serializer());
    progress = driver.createInputTopic(Topic.PROGRESS.topicName(), keys,
        serdes.forValue(GenerationProgress.class).serializer());
    results = driver.createInputTopic(Topic.RESULTS.topicName(), keys,
        serdes.forValue(GenerationResult.class).serializer());
    cancellations = driver.createInputTopic(Topic.CANCELLATIONS.topicName(), keys,
        serdes.forValue(CancelRequest.class).serializer());
    models = driver.createInputTopic(Topic.MODELS.topicName(), keys,
        serdes.forValue(ModelPublished.class).serializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private RequestStatus status(String id) {
    KeyValueStore<String, RequestStatus> store = driver.getKeyValueStore(StatusTopology.STATUS_STORE);
    return store.get(id);
  }

  private ModelCounts counts(String version) {
    KeyValueStore<String, ModelCounts> store = driver.getKeyValueStore(StatusTopology.MODEL_COUNTS_STORE);
    return store.get(version);
  }

  private List<String> recentIds() {
    KeyValueStore<String, String> store = driver.getKeyValueStore(StatusTopology.RECENT_STORE);
    List<String> ids = new ArrayList<>();
    try (KeyValueIterator<String, String> all = store.all()) {
      all.forEachRemaining(kv -> ids.add(kv.value));
    }
    return ids;
  }

  @Test
  void requestIsSubmittedWithItsDetails() {
    requests.pipeInput(ID, request(ID, T0));

    RequestStatus s = status(ID);
    assertThat(s.getState()).isEqualTo(RequestState.SUBMITTED);
    assertThat(s.getSubmittedAt()).isEqualTo(T0);
    assertThat(s.getFirstSeenAt()).isEqualTo(T0);
    assertThat(s.getRequest().getNumImages()).isEqualTo(2);
    assertThat(s.getRequest().getSeed()).isEqualTo(42L);
    assertThat(s.getRequest().getSteps()).isEqualTo(50);
    assertThat(s.getRequest().getTags()).containsEntry("origin", "test");
    assertThat(s.getRequest().getGraphJson()).isEqualTo(
        "{\"objects\":[\"red circle\",\"blue square\"],\"relationships\":[[0,\"left of\",1]]}");
    assertThat(s.getImages()).isEmpty();
  }

  @Test
  void submittedRunningCompleted() {
    requests.pipeInput(ID, request(ID, T0));
    progress.pipeInput(ID, progress(ID, 10, 50, T0 + 100));
    RequestStatus running = status(ID);
    assertThat(running.getState()).isEqualTo(RequestState.RUNNING);
    assertThat(running.getStep()).isEqualTo(10);
    assertThat(running.getTotalSteps()).isEqualTo(50);
    assertThat(running.getStartedAt()).isEqualTo(T0 + 100);
    assertThat(running.getWorkerId()).isEqualTo("worker-1");

    progress.pipeInput(ID, progress(ID, 40, 50, T0 + 200));
    assertThat(status(ID).getStep()).isEqualTo(40);

    results.pipeInput(ID, completed(ID, "v3", T0 + 300, 2));
    RequestStatus done = status(ID);
    assertThat(done.getState()).isEqualTo(RequestState.COMPLETED);
    assertThat(done.getStep()).isEqualTo(50);
    assertThat(done.getModelVersion()).isEqualTo("v3");
    assertThat(done.getFinishedAt()).isEqualTo(T0 + 300);
    assertThat(done.getUpdatedAt()).isEqualTo(T0 + 300);
    assertThat(done.getStartedAt()).isEqualTo(T0 + 100);
    assertThat(done.getImages()).extracting(StoredImage::getKey)
        .containsExactly("images/req-1/0.png", "images/req-1/1.png");
    assertThat(counts("v3")).isEqualTo(new ModelCounts("v3", 1L, 0L, 0L));
  }

  @Test
  void duplicatesChangeNothingAndCountOnce() {
    requests.pipeInput(ID, request(ID, T0));
    GenerationRequest other = request(ID, T0 + 5);
    other.setNumImages(7);
    requests.pipeInput(ID, other); // same id: the first request stands
    progress.pipeInput(ID, progress(ID, 10, 50, T0 + 100));
    progress.pipeInput(ID, progress(ID, 10, 50, T0 + 100));
    RequestStatus afterDuplicates = status(ID);
    assertThat(afterDuplicates.getRequest().getNumImages()).isEqualTo(2);
    assertThat(afterDuplicates.getSubmittedAt()).isEqualTo(T0);
    assertThat(afterDuplicates.getStep()).isEqualTo(10);

    results.pipeInput(ID, completed(ID, "v3", T0 + 300, 1));
    RequestStatus first = status(ID);
    results.pipeInput(ID, completed(ID, "v3", T0 + 300, 1));
    results.pipeInput(ID, completed(ID, "v4", T0 + 400, 2)); // a second, different outcome: still final
    assertThat(status(ID)).isEqualTo(first);
    assertThat(counts("v3")).isEqualTo(new ModelCounts("v3", 1L, 0L, 0L));
    assertThat(counts("v4")).isNull();
    assertThat(recentIds()).containsExactly(ID);
  }

  @Test
  void progressKeepsTheHighestStepWhenReordered() {
    requests.pipeInput(ID, request(ID, T0));
    progress.pipeInput(ID, progress(ID, 30, 50, T0 + 300));
    progress.pipeInput(ID, progress(ID, 10, 50, T0 + 100));
    RequestStatus s = status(ID);
    assertThat(s.getStep()).isEqualTo(30);
    assertThat(s.getStartedAt()).isEqualTo(T0 + 100);
    assertThat(s.getUpdatedAt()).isEqualTo(T0 + 300);
  }

  @Test
  void progressAfterCompletionNeverMovesItBack() {
    requests.pipeInput(ID, request(ID, T0));
    progress.pipeInput(ID, progress(ID, 10, 50, T0 + 100));
    results.pipeInput(ID, completed(ID, "v3", T0 + 300, 1));
    RequestStatus done = status(ID);

    progress.pipeInput(ID, progress(ID, 20, 50, T0 + 200));
    progress.pipeInput(ID, progress(ID, 49, 50, T0 + 500));
    assertThat(status(ID)).isEqualTo(done);
    assertThat(status(ID).getState()).isEqualTo(RequestState.COMPLETED);
  }

  @Test
  void resultBeforeRequestCompletesAndTheRequestFillsInLater() {
    results.pipeInput(ID, completed(ID, "v3", T0 + 300, 2));
    RequestStatus early = status(ID);
    assertThat(early.getState()).isEqualTo(RequestState.COMPLETED);
    assertThat(early.getRequest()).isNull();
    assertThat(early.getSubmittedAt()).isNull();
    assertThat(early.getFirstSeenAt()).isEqualTo(T0 + 300);

    progress.pipeInput(ID, progress(ID, 10, 50, T0 + 100));
    requests.pipeInput(ID, request(ID, T0));
    RequestStatus filled = status(ID);
    assertThat(filled.getState()).isEqualTo(RequestState.COMPLETED);
    assertThat(filled.getRequest().getNumImages()).isEqualTo(2);
    assertThat(filled.getSubmittedAt()).isEqualTo(T0);
    assertThat(filled.getFirstSeenAt()).isEqualTo(T0);
    assertThat(filled.getImages()).hasSize(2);
    assertThat(filled.getModelVersion()).isEqualTo("v3");
    // The index moved from the first-seen time to the submission time: one entry, not two.
    assertThat(recentIds()).containsExactly(ID);
    assertThat(counts("v3").getCompleted()).isEqualTo(1L);
  }

  @Test
  void failureAfterProgress() {
    requests.pipeInput(ID, request(ID, T0));
    progress.pipeInput(ID, progress(ID, 25, 50, T0 + 100));
    results.pipeInput(ID, failed(ID, FailureCode.UNKNOWN_LABEL,
        "label 'purple hexagon' is not in vocabulary v3", "v3", T0 + 200));

    RequestStatus s = status(ID);
    assertThat(s.getState()).isEqualTo(RequestState.FAILED);
    assertThat(s.getErrorCode()).isEqualTo("UNKNOWN_LABEL");
    assertThat(s.getErrorMessage()).isEqualTo("label 'purple hexagon' is not in vocabulary v3");
    assertThat(s.getStep()).isEqualTo(25);
    assertThat(s.getFinishedAt()).isEqualTo(T0 + 200);
    assertThat(s.getImages()).isEmpty();
    assertThat(counts("v3")).isEqualTo(new ModelCounts("v3", 0L, 1L, 0L));

    results.pipeInput(ID, completed(ID, "v3", T0 + 300, 1)); // a late success does not undo the failure
    assertThat(status(ID).getState()).isEqualTo(RequestState.FAILED);
    assertThat(counts("v3")).isEqualTo(new ModelCounts("v3", 0L, 1L, 0L));
  }

  @Test
  void failureWithoutModelVersionCountsAsUnknown() {
    requests.pipeInput(ID, request(ID, T0));
    results.pipeInput(ID, failed(ID, FailureCode.MODEL_UNAVAILABLE, "no model is promoted", null, T0 + 10));
    assertThat(status(ID).getState()).isEqualTo(RequestState.FAILED);
    assertThat(counts(StatusTopology.UNKNOWN_MODEL_VERSION).getFailed()).isEqualTo(1L);
  }

  @Test
  void failureWithCodeCancelledMeansCancelled() {
    requests.pipeInput(ID, request(ID, T0));
    progress.pipeInput(ID, progress(ID, 5, 50, T0 + 100));
    results.pipeInput(ID, failed(ID, FailureCode.CANCELLED, "cancelled at step 5", "v3", T0 + 200));
    RequestStatus s = status(ID);
    assertThat(s.getState()).isEqualTo(RequestState.CANCELLED);
    assertThat(s.getErrorCode()).isEqualTo("CANCELLED");
    assertThat(counts("v3")).isEqualTo(new ModelCounts("v3", 0L, 0L, 1L));
  }

  @Test
  void cancelBeforeStartIsFinal() {
    requests.pipeInput(ID, request(ID, T0));
    cancellations.pipeInput(ID, cancel(ID, "changed my mind", T0 + 50));
    RequestStatus s = status(ID);
    assertThat(s.getState()).isEqualTo(RequestState.CANCELLED);
    assertThat(s.getCancelRequestedAt()).isEqualTo(T0 + 50);
    assertThat(s.getCancelReason()).isEqualTo("changed my mind");
    assertThat(s.getFinishedAt()).isEqualTo(T0 + 50);

    progress.pipeInput(ID, progress(ID, 10, 50, T0 + 100));
    results.pipeInput(ID, completed(ID, "v3", T0 + 300, 1));
    assertThat(status(ID)).isEqualTo(s);
    assertThat(counts(StatusTopology.UNKNOWN_MODEL_VERSION).getCancelled()).isEqualTo(1L);
    assertThat(counts("v3")).isNull();
  }

  @Test
  void cancelOfARunningRequestIsRecordedAndTheWorkerDecides() {
    requests.pipeInput(ID, request(ID, T0));
    progress.pipeInput(ID, progress(ID, 10, 50, T0 + 100));
    cancellations.pipeInput(ID, cancel(ID, null, T0 + 150));
    RequestStatus running = status(ID);
    assertThat(running.getState()).isEqualTo(RequestState.RUNNING);
    assertThat(running.getCancelRequestedAt()).isEqualTo(T0 + 150);

    results.pipeInput(ID, failed(ID, FailureCode.CANCELLED, "cancelled at step 20", "v3", T0 + 200));
    assertThat(status(ID).getState()).isEqualTo(RequestState.CANCELLED);
  }

  @Test
  void cancelAfterCompletionIsIgnored() {
    requests.pipeInput(ID, request(ID, T0));
    results.pipeInput(ID, completed(ID, "v3", T0 + 300, 1));
    RequestStatus done = status(ID);
    cancellations.pipeInput(ID, cancel(ID, "too late", T0 + 400));
    assertThat(status(ID)).isEqualTo(done);
    assertThat(status(ID).getCancelRequestedAt()).isNull();
  }

  @Test
  void cancelBeforeTheRequestArrives() {
    cancellations.pipeInput(ID, cancel(ID, "oops", T0 + 50));
    requests.pipeInput(ID, request(ID, T0));
    RequestStatus s = status(ID);
    assertThat(s.getState()).isEqualTo(RequestState.CANCELLED);
    assertThat(s.getRequest()).isNotNull();
    assertThat(s.getSubmittedAt()).isEqualTo(T0);
  }

  @Test
  void recentIndexIsNewestFirstAndPrunedToItsBound() {
    for (int i = 0; i < 5; i++) {
      requests.pipeInput("r" + i, request("r" + i, T0 + i * 1000L));
    }
    assertThat(recentIds()).containsExactly("r4", "r3", "r2", "r1", "r0");
    driver.advanceWallClockTime(Duration.ofSeconds(11));
    assertThat(recentIds()).containsExactly("r4", "r3", "r2");
    assertThat(status("r0")).isNotNull(); // pruning the index keeps the statuses
  }

  @Test
  void modelsTableKeyedByNameAndVersion() {
    ModelPublished v1 = ModelPublished.newBuilder()
        .setModelName("default").setVersion("v1").setArtifactUri("s3://graphpaint/models/default/v1/")
        .setBaseVersion(null).setDatasetVersion("d1").setMetrics(Map.of("oor", 0.8))
        .setPromoted(false).setCreatedAt(Instant.ofEpochMilli(T0)).build();
    models.pipeInput("default/v1", v1);
    ModelPublished promoted = ModelPublished.newBuilder(v1).setPromoted(true).build();
    models.pipeInput("default/v1", promoted);
    KeyValueStore<String, ModelPublished> store = driver.getKeyValueStore(StatusTopology.MODELS_STORE);
    assertThat(store.get("default/v1")).isEqualTo(promoted);
  }

  @Test
  void everyOrderOfOneLifecycleEndsTheSame() {
    // The same four events (one a duplicate) in all 24 orders: terminal state, images and details never differ.
    List<Runnable> steps = List.of(
        () -> requests.pipeInput("p", request("p", T0)),
        () -> progress.pipeInput("p", progress("p", 10, 50, T0 + 100)),
        () -> results.pipeInput("p", completed("p", "v3", T0 + 300, 2)),
        () -> results.pipeInput("p", completed("p", "v3", T0 + 300, 2)));
    List<List<Integer>> orders = permutations(List.of(0, 1, 2, 3));
    RequestStatus reference = null;
    for (List<Integer> order : orders) {
      stop();
      start();
      order.forEach(i -> steps.get(i).run());
      RequestStatus s = status("p");
      assertThat(s.getState()).as("order %s", order).isEqualTo(RequestState.COMPLETED);
      assertThat(s.getRequest()).as("order %s", order).isNotNull();
      assertThat(s.getImages()).as("order %s", order).hasSize(2);
      assertThat(counts("v3").getCompleted()).as("order %s", order).isEqualTo(1L);
      if (reference == null) {
        reference = s;
      }
      // Progress seen after the result is dropped, so startedAt and step may differ; the rest may not.
      assertThat(s.getSubmittedAt()).isEqualTo(reference.getSubmittedAt());
      assertThat(s.getFinishedAt()).isEqualTo(reference.getFinishedAt());
      assertThat(s.getModelVersion()).isEqualTo(reference.getModelVersion());
    }
  }

  private static List<List<Integer>> permutations(List<Integer> items) {
    if (items.isEmpty()) {
      return List.of(List.of());
    }
    List<List<Integer>> out = new ArrayList<>();
    for (Integer first : items) {
      List<Integer> rest = new ArrayList<>(items);
      rest.remove(first);
      for (List<Integer> tail : permutations(rest)) {
        List<Integer> p = new ArrayList<>();
        p.add(first);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }
}
