package io.graphpaint.orchestrator;

import io.graphpaint.orchestrator.status.AvroSerdes;
import io.graphpaint.schemas.Topic;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the events the HTTP API accepts (requests, cancellations, dataset updates, model
 * promotions) and waits for the broker's acknowledgement, so that 202 means "durably queued".
 * Idempotent producer with acks=all: a retried send is written once.
 */
public final class EventPublisher implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final AvroSerdes serdes;
  private final Duration timeout;
  private final Map<Topic, Serializer<SpecificRecord>> serializers = new EnumMap<>(Topic.class);

  public EventPublisher(Map<String, Object> clientProperties, AvroSerdes serdes, Duration timeout) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0); // one event per HTTP call, waited for: do not wait to batch
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "graphpaint-orchestrator-api");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.serdes = serdes;
    this.timeout = timeout;
  }

  /** Sends {@code value} to {@code topic} under {@code key} and waits for the acknowledgement. */
  public RecordMetadata publish(Topic topic, String key, SpecificRecord value) {
    if (topic.valueType() == null || !topic.valueType().isInstance(value)) {
      throw new IllegalArgumentException("topic " + topic.topicName() + " takes "
          + (topic.valueType() == null ? "raw bytes" : topic.valueType().getSimpleName())
          + ", not " + value.getClass().getSimpleName());
    }
    byte[] bytes = serializer(topic).serialize(topic.topicName(), value);
    try {
      return producer.send(new ProducerRecord<>(topic.topicName(), key, bytes))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while publishing to " + topic.topicName(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new PublishException("Kafka did not acknowledge the event on " + topic.topicName()
          + " within " + timeout.toMillis() + " ms: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private synchronized Serializer<SpecificRecord> serializer(Topic topic) {
    return serializers.computeIfAbsent(topic, t ->
        (Serializer<SpecificRecord>) serdes.forValue((Class<SpecificRecord>) t.valueType()).serializer());
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  /** The event could not be published; the caller may retry (ids make that safe). */
  public static final class PublishException extends RuntimeException {
    public PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
