package io.graphpaint.orchestrator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.net.httpserver.HttpServer;
import io.graphpaint.orchestrator.status.ModelCounts;
import io.graphpaint.orchestrator.status.RequestState;
import io.graphpaint.orchestrator.status.RequestStatus;
import io.graphpaint.orchestrator.status.StatusClasses;
import io.graphpaint.orchestrator.status.StatusTopology;
import io.graphpaint.schemas.Topic;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.StreamsMetadataImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link StatusQueries} gathers lists and counts from the other instances, against real HTTP
 * servers standing in for them (the Kafka Streams metadata is mocked): all are asked at once, and an
 * instance that cannot answer is replaced by the standby copies of its partitions.
 */
class StatusQueriesFanOutTest {

  static {
    StatusClasses.trust();
  }

  private static final HostInfo SELF = new HostInfo("127.0.0.1", 1);
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stopServers() {
    servers.forEach(server -> server.stop(0));
  }

  @Test
  void everyOtherInstanceIsAskedAtOnce() throws Exception {
    // Each instance answers only once all three have been asked: asked one after another, the first
    // would wait out its latch and answer 503, and with no standby copy the read would fail.
    CountDownLatch allAsked = new CountDownLatch(3);
    List<StreamsMetadata> instances = new ArrayList<>(List.of(instance(SELF, Set.of(), Set.of())));
    for (int i = 1; i <= 3; i++) {
      RequestStatus status = status("request-" + i, 1000L * i);
      HostInfo host = serve(query -> {
        allAsked.countDown();
        try {
          return allAsked.await(10, TimeUnit.SECONDS) ? List.of(status) : null;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }, RequestStatus.getClassSchema());
      instances.add(instance(host, Set.of(new TopicPartition(Topic.REQUESTS.topicName(), i)), Set.of()));
    }
    KafkaStreams streams = mock(KafkaStreams.class);
    when(streams.streamsMetadataForStore(StatusTopology.STATUS_STORE)).thenReturn(instances);
    when(streams.metadataForLocalThreads()).thenReturn(Set.of()); // no partition here

    StatusQueries.ListRead read = queries(streams).recentOrStandby(10);

    assertThat(read.statuses()).extracting(RequestStatus::getRequestId)
        .containsExactly("request-3", "request-2", "request-1"); // newest first
    assertThat(read.stale()).isFalse();
    assertThat(allAsked.getCount()).isZero();
  }

  @Test
  void anInstanceThatCannotAnswerIsReadFromTheStandbyCopiesOfItsPartitions() throws Exception {
    String repartition = "graphpaint-orchestrator-" + StatusTopology.BY_MODEL_REPARTITION + "-repartition";
    HostInfo down;
    try (ServerSocket closed = new ServerSocket(0)) {
      down = new HostInfo("127.0.0.1", closed.getLocalPort()); // nobody listens there once closed
    }
    HostInfo up = serve(query -> List.of(counts(query.contains("stale=true") ? "from-standby" : "active-on-up")),
        ModelCounts.getClassSchema());
    List<StreamsMetadata> instances = List.of(
        instance(SELF, Set.of(), Set.of()),
        instance(down, Set.of(new TopicPartition(repartition, 3)), Set.of()),
        instance(up, Set.of(new TopicPartition(repartition, 1)), Set.of(new TopicPartition(repartition, 3))));
    ReadOnlyKeyValueStore<String, ModelCounts> noCountsHere = emptyStore();
    KafkaStreams streams = mock(KafkaStreams.class);
    when(streams.streamsMetadataForStore(StatusTopology.MODEL_COUNTS_STORE)).thenReturn(instances);
    when(streams.store(any())).thenReturn(noCountsHere);

    StatusQueries.CountsRead read = queries(streams).modelCountsOrStandby();

    assertThat(read.counts()).containsOnlyKeys("active-on-up", "from-standby");
    assertThat(read.stale()).isTrue();
    assertThat(asked).containsExactlyInAnyOrder(
        StatusQueries.INTERNAL_MODEL_COUNTS,
        StatusQueries.INTERNAL_MODEL_COUNTS + "?partitions=3&stale=true");
  }

  @Test
  void whenNoStandbyCanAnswerTheReadFailsNamingTheInstanceAndThePartitions() throws Exception {
    HostInfo down;
    try (ServerSocket closed = new ServerSocket(0)) {
      down = new HostInfo("127.0.0.1", closed.getLocalPort());
    }
    HostInfo failing = serve(query -> null, RequestStatus.getClassSchema()); // answers 503
    List<StreamsMetadata> instances = List.of(
        instance(SELF, Set.of(), Set.of()),
        instance(down, Set.of(new TopicPartition(Topic.REQUESTS.topicName(), 0)), Set.of()),
        instance(failing, Set.of(new TopicPartition(Topic.REQUESTS.topicName(), 1)), Set.of()));
    KafkaStreams streams = mock(KafkaStreams.class);
    when(streams.streamsMetadataForStore(StatusTopology.STATUS_STORE)).thenReturn(instances);
    when(streams.metadataForLocalThreads()).thenReturn(Set.of());

    StoreUnavailableException failure = org.junit.jupiter.api.Assertions.assertThrows(
        StoreUnavailableException.class, () -> queries(streams).recentOrStandby(10));

    assertThat(failure.getMessage()).contains("instance " + down + " is unreachable")
        .contains("no standby replica could answer for its partitions [0]")
        .contains("graphpaint.streams.standby.replicas is 0");
  }

  private StatusQueries queries(KafkaStreams streams) {
    return new StatusQueries(streams, SELF, Duration.ofSeconds(20), Optional.empty());
  }

  /** An instance's internal routes: {@code answer} gets the query string, null answers 503. */
  private <T extends SpecificRecord> HostInfo serve(Function<String, List<T>> answer, Schema schema)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/internal/", exchange -> {
      String query = exchange.getRequestURI().getRawQuery();
      asked.add(exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query));
      List<T> values = answer.apply(query == null ? "" : query);
      byte[] body = values == null ? new byte[0] : AvroBinary.encodeList(values, schema);
      exchange.sendResponseHeaders(values == null ? 503 : 200, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    servers.add(server);
    return new HostInfo("127.0.0.1", server.getAddress().getPort());
  }

  private static StreamsMetadata instance(HostInfo host, Set<TopicPartition> active, Set<TopicPartition> standby) {
    return new StreamsMetadataImpl(host, Set.of(StatusTopology.STATUS_STORE, StatusTopology.MODEL_COUNTS_STORE),
        active, Set.of(), standby);
  }

  private static RequestStatus status(String id, long updatedAt) {
    return RequestStatus.newBuilder().setRequestId(id).setState(RequestState.RUNNING).setFirstSeenAt(updatedAt)
        .setUpdatedAt(updatedAt).setStep(1).setTotalSteps(50).build();
  }

  private static ModelCounts counts(String version) {
    return ModelCounts.newBuilder().setModelVersion(version).setCompleted(1).build();
  }

  @SuppressWarnings("unchecked")
  private static ReadOnlyKeyValueStore<String, ModelCounts> emptyStore() {
    ReadOnlyKeyValueStore<String, ModelCounts> store = mock(ReadOnlyKeyValueStore.class);
    KeyValueIterator<String, ModelCounts> none = mock(KeyValueIterator.class);
    when(store.all()).thenReturn(none);
    return store;
  }
}
