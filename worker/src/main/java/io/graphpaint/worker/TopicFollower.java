package io.graphpaint.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a (compacted) topic from the beginning over all its partitions without a consumer group,
 * then keeps following it on its own thread: every worker needs every record of
 * graphpaint.models and graphpaint.cancellations, not a share of them. Records that do not decode
 * are logged and skipped; a null value (tombstone) reaches the handler as null.
 */
final class TopicFollower<T> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<T> values;
  private final BiConsumer<String, T> handler;
  private Thread thread;
  private volatile boolean running = true;
  private volatile boolean caughtUp;

  TopicFollower(String topic, Map<String, Object> kafkaSettings, Deserializer<T> values, BiConsumer<String, T> handler) {
    this.topic = topic;
    this.values = values;
    this.handler = handler;
    Map<String, Object> props = new HashMap<>(kafkaSettings);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Assigns every partition, seeks to the beginning and reads up to the current end on the
   * caller's thread, handing each record to the handler.
   *
   * @return the values read, in offset order per partition (nulls for tombstones left out)
   */
  List<T> catchUp(Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    List<T> read = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
      }
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        T value = deliver(record);
        if (value != null) {
          read.add(value);
        }
      }
    }
    caughtUp = true;
    return read;
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
      if (consumer.position(entry.getKey()) < entry.getValue()) {
        return false;
      }
    }
    return true;
  }

  private T deliver(ConsumerRecord<String, byte[]> record) {
    T value;
    try {
      value = record.value() == null ? null : values.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
      return null;
    }
    try {
      handler.accept(record.key(), value);
    } catch (RuntimeException e) {
      LOG.error("Handler failed on {}-{}@{}", record.topic(), record.partition(), record.offset(), e);
    }
    return value;
  }

  /** Follows the topic on a daemon thread; call after {@link #catchUp}. */
  void start(String threadName) {
    thread = new Thread(() -> {
      try {
        while (running) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            deliver(record);
          }
        }
      } catch (WakeupException e) {
        // close() asked us to stop
      } catch (RuntimeException e) {
        LOG.error("Stopped following {}", topic, e);
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  boolean caughtUp() {
    return caughtUp;
  }

  @Override
  public void close() {
    running = false;
    if (thread == null) {
      consumer.close(Duration.ofSeconds(5));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
