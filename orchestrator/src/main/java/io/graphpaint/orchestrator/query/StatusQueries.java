package io.graphpaint.orchestrator.query;

import io.graphpaint.events.ModelPublished;
import io.graphpaint.orchestrator.status.ModelCounts;
import io.graphpaint.orchestrator.status.RecentIndex;
import io.graphpaint.orchestrator.status.RequestStatus;
import io.graphpaint.orchestrator.status.StatusTopology;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
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
 * it lives ({@link KafkaStreams#queryMetadataForKey}), here or on its owner over HTTP; lists and
 * counts are gathered from every instance, all asked at once, and merged.
 *
 * <p>With standby replicas ({@code graphpaint.streams.standby.replicas} >= 1), {@link
 * #statusOrStandby} still answers while a key's owner cannot: after the owner crashed and before
 * the group notices (up to the session timeout), or while its store restores. It then reads a
 * standby copy, which may be behind the owner by the changelog records not yet applied, and says so.
 * {@link #recentOrStandby} does the same for the list, and {@link #modelCountsOrStandby} for the
 * per-model outcome counts: the partitions of an instance that cannot answer are read from their
 * standby copies.
 */
public final class StatusQueries {

  /** Internal routes one instance asks another; answers are {@link AvroBinary} lists. */
  public static final String INTERNAL_STATUS = "/internal/status/";
  public static final String INTERNAL_RECENT = "/internal/recent";
  public static final String INTERNAL_MODEL_COUNTS = "/internal/model-counts";
  /**
   * Query parameter of {@link #INTERNAL_STATUS}, {@link #INTERNAL_RECENT} and {@link
   * #INTERNAL_MODEL_COUNTS}: read standby and restoring copies too.
   */
  public static final String STALE_PARAMETER = "stale";
  /**
   * Query parameter of {@link #INTERNAL_RECENT} and {@link #INTERNAL_MODEL_COUNTS}: the partitions
   * to read (comma-separated), instead of the active ones.
   */
  public static final String PARTITIONS_PARAMETER = "partitions";

  /**
   * A status read.
   *
   * @param status the request's status, empty when no instance has it
   * @param stale whether it was read from a standby replica (or a store still restoring), which
   *     may lag behind the owner's copy
   */
  public record Read(Optional<RequestStatus> status, boolean stale) {}

  /**
   * A list read.
   *
   * @param statuses newest first
   * @param stale whether some partitions were read from standby replicas, which may lag behind
   */
  public record ListRead(List<RequestStatus> statuses, boolean stale) {}

  /**
   * Per-model-version outcome counts.
   *
   * @param counts by model version
   * @param stale whether some partitions were read from standby replicas, which may lag behind
   */
  public record CountsRead(Map<String, ModelCounts> counts, boolean stale) {}

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

  /**
   * The newest {@code limit} requests over all instances, newest first; the partitions of an
   * instance that cannot answer are read from their standby replicas ({@link ListRead#stale()}).
   *
   * @throws StoreUnavailableException when some partition can be read neither from its active
   *     instance nor from a standby
   */
  public ListRead recentOrStandby(int limit) {
    String route = INTERNAL_RECENT + "?limit=" + limit;
    Gathered<RequestStatus> gathered = gather(StatusTopology.STATUS_STORE, () -> localRecent(limit), route,
        RequestStatus.getClassSchema(), StatusQueries::requestPartitions, here -> localRecent(limit, here, true),
        route + "&");
    return new ListRead(newestFirst(gathered.items(), limit), gathered.stale());
  }

  /** What every instance answered to a fan-out read, and whether some of it came from standby copies. */
  private record Gathered<T>(List<T> items, boolean stale) {}

  /**
   * Reads {@code store} on every instance: {@code localRead} here, the internal route {@code route}
   * on the others, all of them asked at once (the read takes as long as the slowest instance, not
   * the sum). The partitions of an instance that cannot answer are read from their standby copies
   * ({@link #fromStandbys}, with {@code partitionsOf}, {@code localStaleRead} and {@code standbyRoute}).
   *
   * @throws StoreUnavailableException when some partition can be read neither from its active
   *     instance nor from a standby
   */
  private <T extends SpecificRecord> Gathered<T> gather(String store, Supplier<List<T>> localRead, String route,
      Schema schema, Function<Set<TopicPartition>, Set<Integer>> partitionsOf,
      Function<Set<Integer>, List<T>> localStaleRead, String standbyRoute) {
    List<StreamsMetadata> instances = List.copyOf(streams.streamsMetadataForStore(store));
    Map<StreamsMetadata, CompletableFuture<List<T>>> asked = new LinkedHashMap<>();
    for (StreamsMetadata instance : instances) {
      if (!self.equals(instance.hostInfo())) {
        asked.put(instance, fetchAsync(instance.hostInfo(), route, schema));
      }
    }
    List<T> all;
    try {
      all = new ArrayList<>(localRead.get()); // while the others answer
    } catch (RuntimeException e) {
      asked.values().forEach(answer -> answer.cancel(true));
      throw e;
    }
    boolean stale = false;
    for (Map.Entry<StreamsMetadata, CompletableFuture<List<T>>> answer : asked.entrySet()) {
      try {
        all.addAll(await(answer.getKey().hostInfo(), answer.getValue()));
      } catch (StoreUnavailableException failure) {
        all.addAll(fromStandbys(partitionsOf.apply(answer.getKey().topicPartitions()), instances, partitionsOf,
            localStaleRead, standbyRoute, schema, failure));
        stale = true;
      }
    }
    return new Gathered<>(all, stale);
  }

  /**
   * What {@code localRead} or the internal route {@code route} (ending in {@code ?} or {@code &})
   * answers for each of {@code partitions}, read from the instances that keep a standby copy of it;
   * {@code partitionsOf} picks the store's partitions out of an instance's topic partitions.
   *
   * @throws StoreUnavailableException ({@code failure}, with what else failed) when some partition
   *     has no standby copy that answers
   */
  private <T extends SpecificRecord> List<T> fromStandbys(Set<Integer> partitions, List<StreamsMetadata> instances,
      Function<Set<TopicPartition>, Set<Integer>> partitionsOf, Function<Set<Integer>, List<T>> localRead,
      String route, Schema schema, StoreUnavailableException failure) {
    List<T> found = new ArrayList<>();
    Set<Integer> missing = new java.util.TreeSet<>(partitions);
    for (StreamsMetadata instance : instances) {
      Set<Integer> here = partitionsOf.apply(instance.standbyTopicPartitions());
      here.retainAll(missing);
      if (here.isEmpty()) {
        continue;
      }
      try {
        found.addAll(self.equals(instance.hostInfo())
            ? localRead.apply(here)
            : fetch(instance.hostInfo(), route + PARTITIONS_PARAMETER + "="
                + here.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")) + "&"
                + STALE_PARAMETER + "=true", schema));
        missing.removeAll(here);
      } catch (StoreUnavailableException e) {
        failure.addSuppressed(e);
      }
    }
    if (!missing.isEmpty()) {
      throw new StoreUnavailableException(failure.getMessage() + "; no standby replica could answer for its partitions "
          + missing + (partitions.equals(missing) && found.isEmpty()
              ? " (graphpaint.streams.standby.replicas is 0, or none is assigned yet)" : ""), failure);
    }
    return found;
  }

  /** The newest {@code limit} requests of the partitions this instance hosts. */
  public List<RequestStatus> localRecent(int limit) {
    return localRecent(limit, null, false);
  }

  /**
   * The newest {@code limit} requests of {@code partitions} (null: the active ones here); {@code
   * stale} reads standby and restoring copies too.
   */
  public List<RequestStatus> localRecent(int limit, Set<Integer> partitions, boolean stale) {
    List<RequestStatus> found = new ArrayList<>();
    try {
      // Each partition's index is sorted newest first: read at most `limit` from each.
      for (int partition : partitions == null ? localStatusPartitions() : partitions) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, String>> indexQuery = StoreQueryParameters.fromNameAndType(
            StatusTopology.RECENT_STORE, QueryableStoreTypes.<String, String>keyValueStore()).withPartition(partition);
        StoreQueryParameters<ReadOnlyKeyValueStore<String, RequestStatus>> statusQuery = StoreQueryParameters
            .fromNameAndType(StatusTopology.STATUS_STORE, QueryableStoreTypes.<String, RequestStatus>keyValueStore())
            .withPartition(partition);
        if (stale) {
          indexQuery = indexQuery.enableStaleStores();
          statusQuery = statusQuery.enableStaleStores();
        }
        ReadOnlyKeyValueStore<String, String> index = streams.store(indexQuery);
        ReadOnlyKeyValueStore<String, RequestStatus> statuses = streams.store(statusQuery);
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
    Set<TopicPartition> active = new java.util.HashSet<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        active.addAll(task.topicPartitions());
      }
    }
    return requestPartitions(active);
  }

  /** The partitions of the requests topic (the status store's source) among {@code topicPartitions}. */
  private static Set<Integer> requestPartitions(Set<TopicPartition> topicPartitions) {
    Set<Integer> partitions = new java.util.TreeSet<>();
    for (TopicPartition tp : topicPartitions) {
      if (tp.topic().equals(Topic.REQUESTS.topicName())) {
        partitions.add(tp.partition());
      }
    }
    return partitions;
  }

  /**
   * Per-model-version outcome counts over all instances; the partitions of an instance that
   * cannot answer are read from their standby replicas ({@link CountsRead#stale()}).
   *
   * @throws StoreUnavailableException when some partition can be read neither from its active
   *     instance nor from a standby
   */
  public CountsRead modelCountsOrStandby() {
    Gathered<ModelCounts> gathered = gather(StatusTopology.MODEL_COUNTS_STORE, this::localModelCounts,
        INTERNAL_MODEL_COUNTS, ModelCounts.getClassSchema(), StatusQueries::countsPartitions,
        here -> localModelCounts(here, true), INTERNAL_MODEL_COUNTS + "?");
    // Each version lives in one partition, so on one instance: a plain union.
    Map<String, ModelCounts> merged = new HashMap<>();
    gathered.items().forEach(c -> merged.put(c.getModelVersion(), c));
    return new CountsRead(merged, gathered.stale());
  }

  /** The counts of the partitions active on this instance. */
  public List<ModelCounts> localModelCounts() {
    return localModelCounts(null, false);
  }

  /**
   * The counts of {@code partitions} (null: the active ones here); {@code stale} reads standby and
   * restoring copies too.
   */
  public List<ModelCounts> localModelCounts(Set<Integer> partitions, boolean stale) {
    List<ModelCounts> out = new ArrayList<>();
    try {
      for (Integer partition : partitions == null ? java.util.Collections.<Integer>singleton(null) : partitions) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, ModelCounts>> query = StoreQueryParameters
            .fromNameAndType(StatusTopology.MODEL_COUNTS_STORE, QueryableStoreTypes.<String, ModelCounts>keyValueStore());
        if (partition != null) {
          query = query.withPartition(partition);
        }
        if (stale) {
          query = query.enableStaleStores();
        }
        try (KeyValueIterator<String, ModelCounts> it = streams.store(query).all()) {
          it.forEachRemaining(kv -> out.add(kv.value));
        }
      }
      return out;
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the model counts are not queryable now: " + e.getMessage(), e);
    }
  }

  /** The partitions of the repartition topic that feeds the model counts store among {@code topicPartitions}. */
  private static Set<Integer> countsPartitions(Set<TopicPartition> topicPartitions) {
    String suffix = "-" + StatusTopology.BY_MODEL_REPARTITION + "-repartition";
    Set<Integer> partitions = new java.util.TreeSet<>();
    for (TopicPartition tp : topicPartitions) {
      if (tp.topic().endsWith(suffix)) {
        partitions.add(tp.partition());
      }
    }
    return partitions;
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

  private <T extends SpecificRecord> List<T> fetch(HostInfo host, String pathAndQuery, Schema schema) {
    return await(host, fetchAsync(host, pathAndQuery, schema));
  }

  /** Asks {@code host} for the list at {@code pathAndQuery}; fails with a {@link StoreUnavailableException}. */
  private <T extends SpecificRecord> CompletableFuture<List<T>> fetchAsync(HostInfo host, String pathAndQuery,
      Schema schema) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
        .timeout(timeout)
        .header("Accept", AvroBinary.CONTENT_TYPE)
        .GET();
    bearerToken.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()).handle((response, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        throw new StoreUnavailableException("instance " + host + " is unreachable: " + cause.getMessage(), cause);
      }
      if (response.statusCode() == 404) {
        return List.of();
      }
      if (response.statusCode() != 200) {
        throw new StoreUnavailableException("instance " + host + " answered " + response.statusCode()
            + " to " + pathAndQuery, null);
      }
      return AvroBinary.decodeList(response.body(), schema);
    });
  }

  private static <T> List<T> await(HostInfo host, CompletableFuture<List<T>> answer) {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreUnavailableException failure) {
        throw failure;
      }
      throw new StoreUnavailableException("asking instance " + host + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while asking " + host, e);
    }
  }

}
