package io.graphpaint.orchestrator.query;

import io.graphpaint.events.ModelPublished;
import io.graphpaint.orchestrator.status.ModelCounts;
import io.graphpaint.orchestrator.status.RecentIndex;
import io.graphpaint.orchestrator.status.RequestStatus;
import io.graphpaint.orchestrator.status.StatusTopology;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import io.graphpaint.schemas.Topic;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries over the status stores of every orchestrator instance: a key is read where
 * it lives ({@link KafkaStreams#queryMetadataForKey}), here or on its owner over HTTP; lists are
 * gathered from every instance and merged.
 *
 * <p>With standby replicas ({@code graphpaint.streams.standby.replicas} >= 1), {@link
 * #statusOrStandby} still answers while a key's owner cannot: after the owner crashed and before
 * the group notices (up to the session timeout), or while its store restores. It then reads a
 * standby copy, which may be behind the owner by the changelog records not yet applied, and says so.
 */
public final class StatusQueries {

  /** Internal routes one instance asks another; answers are {@link AvroBinary} lists. */
  public static final String INTERNAL_STATUS = "/internal/status/";
  public static final String INTERNAL_RECENT = "/internal/recent";
  public static final String INTERNAL_MODEL_COUNTS = "/internal/model-counts";
  /** Query parameter of {@link #INTERNAL_STATUS}: read standby and restoring copies too. */
  public static final String STALE_PARAMETER = "stale";

  /**
   * A status read.
   *
   * @param status the request's status, empty when no instance has it
   * @param stale whether it was read from a standby replica (or a store still restoring), which
   *     may lag behind the owner's copy
   */
  public record Read(Optional<RequestStatus> status, boolean stale) {}

  private final KafkaStreams streams;
  private final HostInfo self;
  private final HttpClient http;
  private final Duration timeout;
  private final Optional<String> bearerToken;

  public StatusQueries(KafkaStreams streams, HostInfo self, Duration timeout, Optional<String> bearerToken) {
    this.streams = streams;
    this.self = self;
    this.timeout = timeout;
    this.bearerToken = bearerToken;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  public HostInfo self() {
    return self;
  }

  /** The status of one request, from whichever instance owns it. */
  public Optional<RequestStatus> status(String requestId) {
    return status(requestId, streams.queryMetadataForKey(
        StatusTopology.STATUS_STORE, requestId, Serdes.String().serializer()));
  }

  /**
   * The status of one request from its owner, or, when the owner cannot answer, from a standby
   * replica ({@link Read#stale()}). A standby copy that does not have the request is not taken as
   * an answer (it may not have caught up): the read then fails as {@link #status} does.
   *
   * @throws StoreUnavailableException when neither the owner nor any standby can answer
   */
  public Read statusOrStandby(String requestId) {
    KeyQueryMetadata owner = streams.queryMetadataForKey(
        StatusTopology.STATUS_STORE, requestId, Serdes.String().serializer());
    StoreUnavailableException failure;
    try {
      return new Read(status(requestId, owner), false);
    } catch (StoreUnavailableException e) {
      failure = e;
    }
    Set<HostInfo> standbys = owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)
        ? Set.of(self) // rebalancing: the owners are unknown, but a copy may be here
        : owner.standbyHosts();
    for (HostInfo standby : standbys) {
      try {
        Optional<RequestStatus> copy = self.equals(standby)
            ? localStatus(requestId, -1, true)
            : this.<RequestStatus>fetch(standby, INTERNAL_STATUS + URLEncoder.encode(requestId, StandardCharsets.UTF_8)
                + "?" + STALE_PARAMETER + "=true", RequestStatus.getClassSchema()).stream().findFirst();
        if (copy.isPresent()) {
          return new Read(copy, true);
        }
      } catch (StoreUnavailableException e) {
        failure.addSuppressed(e);
      }
    }
    throw new StoreUnavailableException(failure.getMessage() + (standbys.isEmpty()
        ? "; no standby replica to read instead (graphpaint.streams.standby.replicas is 0, or none is assigned yet)"
        : "; no standby replica had it either (" + standbys.size() + " asked)"), failure);
  }

  private Optional<RequestStatus> status(String requestId, KeyQueryMetadata owner) {
    if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
      throw new StoreUnavailableException("no instance owns " + requestId + " right now (rebalancing)", null);
    }
    if (self.equals(owner.activeHost())) {
      return localStatus(requestId, owner.partition());
    }
    List<RequestStatus> remote = fetch(owner.activeHost(),
        INTERNAL_STATUS + URLEncoder.encode(requestId, StandardCharsets.UTF_8),
        RequestStatus.getClassSchema());
    return remote.stream().findFirst();
  }

  /** Local read of an active store; {@code partition} narrows it to one store when known (-1: any local partition). */
  public Optional<RequestStatus> localStatus(String requestId, int partition) {
    return localStatus(requestId, partition, false);
  }

  /**
   * Local read; {@code partition} narrows it to one store when known (-1: any local partition);
   * {@code stale} reads standby and restoring copies too.
   */
  public Optional<RequestStatus> localStatus(String requestId, int partition, boolean stale) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, RequestStatus>> params =
        StoreQueryParameters.fromNameAndType(StatusTopology.STATUS_STORE, QueryableStoreTypes.keyValueStore());
    if (partition >= 0) {
      params = params.withPartition(partition);
    }
    if (stale) {
      params = params.enableStaleStores();
    }
    try {
      return Optional.ofNullable(streams.store(params).get(requestId));
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the status store is not queryable now: " + e.getMessage(), e);
    }
  }

  /** The newest {@code limit} requests over all instances, newest first. */
  public List<RequestStatus> recent(int limit) {
    List<RequestStatus> all = new ArrayList<>(localRecent(limit));
    for (HostInfo host : otherHosts(StatusTopology.STATUS_STORE)) {
      all.addAll(fetch(host, INTERNAL_RECENT + "?limit=" + limit, RequestStatus.getClassSchema()));
    }
    return newestFirst(all, limit);
  }

  /** The newest {@code limit} requests of the partitions this instance hosts. */
  public List<RequestStatus> localRecent(int limit) {
    List<RequestStatus> found = new ArrayList<>();
    try {
      // Each partition's index is sorted newest first: read at most `limit` from each.
      for (int partition : localStatusPartitions()) {
        ReadOnlyKeyValueStore<String, String> index = streams.store(StoreQueryParameters.fromNameAndType(
            StatusTopology.RECENT_STORE, QueryableStoreTypes.<String, String>keyValueStore())
            .withPartition(partition));
        ReadOnlyKeyValueStore<String, RequestStatus> statuses = streams.store(StoreQueryParameters
            .fromNameAndType(StatusTopology.STATUS_STORE, QueryableStoreTypes.<String, RequestStatus>keyValueStore())
            .withPartition(partition));
        try (KeyValueIterator<String, String> it = index.all()) {
          for (int taken = 0; taken < limit && it.hasNext(); ) {
            RequestStatus status = statuses.get(it.next().value);
            if (status != null) {
              found.add(status);
              taken++;
            }
          }
        }
      }
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the recent index is not queryable now: " + e.getMessage(), e);
    }
    return newestFirst(found, limit);
  }

  /** Partitions whose status store is active on this instance. */
  private Set<Integer> localStatusPartitions() {
    Set<Integer> partitions = new java.util.TreeSet<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        for (TopicPartition tp : task.topicPartitions()) {
          if (tp.topic().equals(Topic.REQUESTS.topicName())) {
            partitions.add(tp.partition());
          }
        }
      }
    }
    return partitions;
  }

  /** Per-model-version outcome counts over all instances. */
  public Map<String, ModelCounts> modelCounts() {
    Map<String, ModelCounts> merged = new HashMap<>();
    List<ModelCounts> all = new ArrayList<>(localModelCounts());
    for (HostInfo host : otherHosts(StatusTopology.MODEL_COUNTS_STORE)) {
      all.addAll(fetch(host, INTERNAL_MODEL_COUNTS, ModelCounts.getClassSchema()));
    }
    // Each version lives in one partition, so on one instance: a plain union.
    all.forEach(c -> merged.put(c.getModelVersion(), c));
    return merged;
  }

  public List<ModelCounts> localModelCounts() {
    try {
      ReadOnlyKeyValueStore<String, ModelCounts> store = streams.store(StoreQueryParameters
          .fromNameAndType(StatusTopology.MODEL_COUNTS_STORE, QueryableStoreTypes.keyValueStore()));
      List<ModelCounts> out = new ArrayList<>();
      try (KeyValueIterator<String, ModelCounts> it = store.all()) {
        it.forEachRemaining(kv -> out.add(kv.value));
      }
      return out;
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the model counts are not queryable now: " + e.getMessage(), e);
    }
  }

  /** Every published model version (a global table: every instance has all of it). */
  public List<ModelPublished> models() {
    try {
      ReadOnlyKeyValueStore<String, ModelPublished> store = streams.store(StoreQueryParameters
          .fromNameAndType(StatusTopology.MODELS_STORE, QueryableStoreTypes.keyValueStore()));
      List<ModelPublished> out = new ArrayList<>();
      try (KeyValueIterator<String, ModelPublished> it = store.all()) {
        it.forEachRemaining(kv -> out.add(kv.value));
      }
      return out;
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the models table is not queryable now: " + e.getMessage(), e);
    }
  }

  static List<RequestStatus> newestFirst(List<RequestStatus> statuses, int limit) {
    return statuses.stream()
        .sorted(Comparator.comparingLong(RecentIndex::sortTime).reversed()
            .thenComparing(RequestStatus::getRequestId))
        .limit(limit)
        .toList();
  }

  private Set<HostInfo> otherHosts(String store) {
    Set<HostInfo> hosts = new LinkedHashSet<>();
    for (StreamsMetadata metadata : streams.streamsMetadataForStore(store)) {
      if (!self.equals(metadata.hostInfo())) {
        hosts.add(metadata.hostInfo());
      }
    }
    return hosts;
  }

  private <T extends SpecificRecord> List<T> fetch(HostInfo host, String pathAndQuery, Schema schema) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
        .timeout(timeout)
        .header("Accept", AvroBinary.CONTENT_TYPE)
        .GET();
    bearerToken.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    try {
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 404) {
        return List.of();
      }
      if (response.statusCode() != 200) {
        throw new StoreUnavailableException("instance " + host + " answered " + response.statusCode()
            + " to " + pathAndQuery, null);
      }
      return AvroBinary.decodeList(response.body(), schema);
    } catch (IOException e) {
      throw new StoreUnavailableException("instance " + host + " is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while asking " + host, e);
    }
  }

}
