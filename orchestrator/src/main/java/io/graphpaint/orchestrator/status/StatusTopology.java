package io.graphpaint.orchestrator.status;

import io.graphpaint.events.CancelRequest;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.schemas.Topic;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The orchestrator's Kafka Streams topology:
 * <pre>
 * requests ─┐
 * progress ─┼─ merge ─ StatusFolder ─(status store, recent index)
 * results ──┤               └─ first terminal ─ by model version ─ count ─(model counts)
 * cancels ──┘
 * models ─ global table ─(models store)
 * </pre>
 */
public final class StatusTopology {

  /** requestId -> {@link RequestStatus}. */
  public static final String STATUS_STORE = "request-status";
  /** {@link RecentIndex} key -> requestId, newest first, per partition. */
  public static final String RECENT_STORE = "recent-requests";
  /** model version -> {@link ModelCounts}. */
  public static final String MODEL_COUNTS_STORE = "model-counts";
  /**
   * Name of the repartition that keys terminal outcomes by model version: the model counts store's
   * partitions are those of the topic {@code <application.id>-terminal-by-model-repartition}.
   */
  public static final String BY_MODEL_REPARTITION = "terminal-by-model";
  /** {@code modelName/version} -> {@link ModelPublished}, on every instance. */
  public static final String MODELS_STORE = "models";
  /** Key of terminal outcomes whose failure names no model version. */
  public static final String UNKNOWN_MODEL_VERSION = "unknown";

  private StatusTopology() {}

  /** Options of the topology; records validate themselves. */
  public record Options(int recentPerPartition, Duration recentPruneInterval) {
    public Options {
      if (recentPerPartition < 1) {
        throw new IllegalArgumentException("recentPerPartition must be >= 1, got " + recentPerPartition);
      }
      if (recentPruneInterval == null || recentPruneInterval.isNegative() || recentPruneInterval.isZero()) {
        throw new IllegalArgumentException("recentPruneInterval must be positive, got " + recentPruneInterval);
      }
    }

    public static Options defaults() {
      return new Options(10_000, Duration.ofSeconds(30));
    }
  }

  public static void build(StreamsBuilder builder, AvroSerdes serdes, Options options) {
    StatusClasses.trust();
    Serde<String> ids = Serdes.String();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STATUS_STORE), ids, serdes.forValue(RequestStatus.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(RECENT_STORE), ids, Serdes.String()));

    // Four topics, one key space (requestId, co-partitioned): merged so that one processor sees
    // every event of an id in the order its partitions deliver them.
    KStream<String, SpecificRecord> events = builder
        .stream(Topic.REQUESTS.topicName(), Consumed.with(ids, serdes.forValue(GenerationRequest.class)))
        .<SpecificRecord>mapValues(v -> v)
        .merge(builder.stream(Topic.PROGRESS.topicName(),
            Consumed.with(ids, serdes.forValue(GenerationProgress.class))).mapValues(v -> v))
        .merge(builder.stream(Topic.RESULTS.topicName(),
            Consumed.with(ids, serdes.forValue(GenerationResult.class))).mapValues(v -> v))
        .merge(builder.stream(Topic.CANCELLATIONS.topicName(),
            Consumed.with(ids, serdes.forValue(CancelRequest.class))).mapValues(v -> v));

    KStream<String, RequestStatus> firstTerminal = events.process(
        () -> new StatusFolder(options.recentPerPartition(), options.recentPruneInterval()),
        STATUS_STORE, RECENT_STORE);

    // Each request reaches a terminal state once, so counting those transitions counts requests.
    firstTerminal
        .map((id, status) -> KeyValue.pair(
            status.getModelVersion() != null ? status.getModelVersion() : UNKNOWN_MODEL_VERSION,
            status.getState().name()))
        .groupByKey(Grouped.with(BY_MODEL_REPARTITION, ids, Serdes.String()))
        .aggregate(
            () -> null,
            (version, state, counts) -> countOutcome(version, state, counts),
            Materialized.<String, ModelCounts, KeyValueStore<Bytes, byte[]>>as(MODEL_COUNTS_STORE)
                .withKeySerde(ids)
                .withValueSerde(serdes.forValue(ModelCounts.class)));

    // Few records, read by every instance: a global table needs no forwarding.
    builder.globalTable(Topic.MODELS.topicName(),
        Consumed.with(ids, serdes.forValue(ModelPublished.class)),
        Materialized.<String, ModelPublished, KeyValueStore<Bytes, byte[]>>as(MODELS_STORE)
            .withKeySerde(ids)
            .withValueSerde(serdes.forValue(ModelPublished.class)));
  }

  static ModelCounts countOutcome(String version, String state, ModelCounts counts) {
    ModelCounts.Builder next = counts == null
        ? ModelCounts.newBuilder().setModelVersion(version).setCompleted(0).setFailed(0).setCancelled(0)
        : ModelCounts.newBuilder(counts);
    switch (RequestState.valueOf(state)) {
      case COMPLETED -> next.setCompleted(next.getCompleted() + 1);
      case FAILED -> next.setFailed(next.getFailed() + 1);
      case CANCELLED -> next.setCancelled(next.getCancelled() + 1);
      default -> throw new IllegalStateException("not a terminal state: " + state);
    }
    return next.build();
  }
}
