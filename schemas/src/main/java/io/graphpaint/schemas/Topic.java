package io.graphpaint.schemas;

import io.graphpaint.events.CancelRequest;
import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.TrainingStatus;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic graphpaint uses, with its partition count, clean-up policy and value type: the one
 * place that ties a topic name to its serdes. Keys are UTF-8 strings throughout; values are Avro
 * specific records in the Confluent wire format, registered under the topic-name subject strategy
 * ({@code <topic>-value}). The DLQ holds the original bytes, so its value type is {@code null}.
 */
public enum Topic {
  /** Scene-graph generation requests, key = requestId. Partitions bound the worker group's width. */
  REQUESTS("graphpaint.requests", 12, CleanupPolicy.DELETE, GenerationRequest.class),
  /** Records of graphpaint.requests that did not decode, with error headers; key and value as received. */
  REQUESTS_DLQ("graphpaint.requests.dlq", 1, CleanupPolicy.DELETE, null),
  /** Sampling progress, key = requestId. */
  PROGRESS("graphpaint.progress", 12, CleanupPolicy.DELETE, GenerationProgress.class),
  /** Terminal outcomes (completed or failed), key = requestId, written transactionally with the request offsets. */
  RESULTS("graphpaint.results", 12, CleanupPolicy.DELETE, GenerationResult.class),
  /** Cancellations, key = requestId; compacted so that a late-starting worker still sees them. */
  CANCELLATIONS("graphpaint.cancellations", 12, CleanupPolicy.COMPACT_DELETE, CancelRequest.class),
  /** New dataset versions to train on, key = datasetId. */
  DATASET_UPDATES("graphpaint.dataset-updates", 6, CleanupPolicy.DELETE, DatasetUpdate.class),
  /** Training progress and outcome per dataset update, key = datasetId. */
  TRAINING("graphpaint.training", 6, CleanupPolicy.DELETE, TrainingStatus.class),
  /**
   * Published model versions, compacted. Key = {@code modelName/version}, so that compaction keeps
   * every version's latest record (promotion rewrites it with promoted = true) rather than only the
   * newest version of a name.
   */
  MODELS("graphpaint.models", 1, CleanupPolicy.COMPACT, ModelPublished.class);

  /** Kafka's {@code cleanup.policy} values. */
  public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact"),
    COMPACT_DELETE("compact,delete");

    private final String config;

    CleanupPolicy(String config) {
      this.config = config;
    }

    public String config() {
      return config;
    }
  }

  static {
    // services reach the event classes through this catalogue: let Avro instantiate them
    EventClasses.trust();
  }

  private final String topicName;
  private final int partitions;
  private final CleanupPolicy cleanupPolicy;
  private final Class<? extends SpecificRecord> valueType;

  Topic(String topicName, int partitions, CleanupPolicy cleanupPolicy,
      Class<? extends SpecificRecord> valueType) {
    this.topicName = topicName;
    this.partitions = partitions;
    this.cleanupPolicy = cleanupPolicy;
    this.valueType = valueType;
  }

  public String topicName() {
    return topicName;
  }

  public int partitions() {
    return partitions;
  }

  public CleanupPolicy cleanupPolicy() {
    return cleanupPolicy;
  }

  /** The Avro value type, or {@code null} for the DLQ (raw bytes). */
  public Class<? extends SpecificRecord> valueType() {
    return valueType;
  }

  /** Topic-level configuration to create the topic with. */
  public Map<String, String> topicConfig() {
    return Map.of("cleanup.policy", cleanupPolicy.config());
  }

  /** Registry subject of the value schema (topic-name strategy). */
  public String valueSubject() {
    return topicName + "-value";
  }
}
