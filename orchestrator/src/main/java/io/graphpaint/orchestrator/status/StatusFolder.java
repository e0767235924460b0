package io.graphpaint.orchestrator.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds every event of a request id into the status store, keeps the recent-requests index in step,
 * and forwards a status exactly when it first becomes terminal (for the per-model counts).
 */
final class StatusFolder implements Processor<String, SpecificRecord, String, RequestStatus> {

  private static final Logger log = LoggerFactory.getLogger(StatusFolder.class);

  private final int recentPerPartition;
  private final Duration pruneInterval;
  private ProcessorContext<String, RequestStatus> context;
  private KeyValueStore<String, RequestStatus> statuses;
  private KeyValueStore<String, String> recent;

  StatusFolder(int recentPerPartition, Duration pruneInterval) {
    this.recentPerPartition = recentPerPartition;
    this.pruneInterval = pruneInterval;
  }

  @Override
  public void init(ProcessorContext<String, RequestStatus> context) {
    this.context = context;
    this.statuses = context.getStateStore(StatusTopology.STATUS_STORE);
    this.recent = context.getStateStore(StatusTopology.RECENT_STORE);
    // The index only needs the newest entries; trimming on a timer keeps the per-record path cheap.
    context.schedule(pruneInterval, PunctuationType.WALL_CLOCK_TIME, now -> pruneRecent());
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    String requestId = record.key();
    if (requestId == null || record.value() == null) {
      log.warn("skipping a status event without key or value (key={})", requestId);
      return;
    }
    RequestStatus current = statuses.get(requestId);
    RequestStatus next = StatusFold.fold(current, requestId, record.value());
    if (next.equals(current)) {
      return;
    }
    statuses.put(requestId, next);
    String newIndexKey = RecentIndex.key(next);
    if (current != null) {
      String oldIndexKey = RecentIndex.key(current);
      if (!oldIndexKey.equals(newIndexKey)) {
        recent.delete(oldIndexKey);
      }
    }
    recent.put(newIndexKey, requestId);
    if (!StatusFold.isTerminal(current) && StatusFold.isTerminal(next)) {
      context.forward(record.withValue(next));
    }
  }

  private void pruneRecent() {
    List<String> surplus = new ArrayList<>();
    try (KeyValueIterator<String, String> all = recent.all()) {
      int seen = 0;
      while (all.hasNext()) {
        KeyValue<String, String> entry = all.next();
        if (++seen > recentPerPartition) {
          surplus.add(entry.key);
        }
      }
    }
    surplus.forEach(recent::delete);
  }
}
