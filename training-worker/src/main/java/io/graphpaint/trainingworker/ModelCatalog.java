package io.graphpaint.trainingworker;

import io.graphpaint.events.ModelPublished;
import io.graphpaint.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What graphpaint.models says: every published version (key {@code modelName/version}) and the
 * promoted one per model name. Read without a consumer group over all partitions, committed
 * records only; {@link #refresh} reads up to the topic's current end, so a decision taken right
 * after it sees every version published before it began.
 */
final class ModelCatalog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<ModelPublished> values;
  private final Map<String, ModelPublished> versions = new LinkedHashMap<>();
  private final Map<String, ModelPublished> promoted = new HashMap<>();
  private boolean assigned;

  ModelCatalog(Map<String, Object> kafkaSettings, Deserializer<ModelPublished> values) {
    Map<String, Object> props = new HashMap<>(kafkaSettings);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.values = values;
  }

  /** Reads every record up to the current end of the topic. */
  synchronized void refresh(Duration timeout) {
    String topic = Topic.MODELS.topicName();
    if (!assigned) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      assigned = true;
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
      }
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        accept(record);
      }
    }
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
      if (consumer.position(entry.getKey()) < entry.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      versions.remove(record.key());
      return;
    }
    ModelPublished value;
    try {
      value = values.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
      return;
    }
    versions.put(value.getModelName() + "/" + value.getVersion(), value);
    if (value.getPromoted()) {
      promoted.put(value.getModelName(), value);
    }
  }

  /** The version published under {@code modelName/version}, if any. */
  synchronized Optional<ModelPublished> published(String modelName, String version) {
    return Optional.ofNullable(versions.get(modelName + "/" + version));
  }

  /** The most recently promoted version of {@code modelName}, if any. */
  synchronized Optional<ModelPublished> promoted(String modelName) {
    return Optional.ofNullable(promoted.get(modelName));
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
