package io.graphpaint.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.serde.AvroDeserializer;
import io.graphpaint.schemas.serde.AvroSerializer;
import io.graphpaint.schemas.serde.SerdeException;
import io.graphpaint.schemas.serde.WireFormat;
import io.graphpaint.schemas.testing.SampleRequests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Undecodable records between good ones: the consumer gets a typed error with the original bytes
 * for the DLQ, skips the record and reads on; no record is lost and nothing stops.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE, parts = {DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY})
class CorruptRecordsOnATopicTest {

  @Test
  void consumerSkipsCorruptRecordsWithTypedErrorsAndReadsTheRest(DevStack stack) throws Exception {
    String topic = "corrupt-records-" + System.nanoTime();
    try (Admin admin = stack.kafka().createAdmin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    try (SchemaRegistryClient registry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
        AvroSerializer<GenerationRequest> serializer = new AvroSerializer<>(registry, Map.of(), false)) {
      byte[] good0 = serializer.serialize(topic, SampleRequests.request(0));
      byte[] good1 = serializer.serialize(topic, SampleRequests.request(1));
      byte[] good2 = serializer.serialize(topic, SampleRequests.request(2));
      byte[] unknownId = good0.clone();
      WireFormat.writeHeader(unknownId, 1_999_999_999);
      List<byte[]> values = List.of(good0, "not avro at all".getBytes(StandardCharsets.UTF_8), good1,
          Arrays.copyOf(good1, 9), unknownId, new byte[0], good2);
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
          RequestsThroughKafkaTest.producerProps(stack), new ByteArraySerializer(), new ByteArraySerializer())) {
        for (byte[] value : values) {
          producer.send(new ProducerRecord<>(topic, value)).get();
        }
      }

      Map<String, Object> props = RequestsThroughKafkaTest.consumerProps(stack, "corrupt-reader");
      props.put(ConsumerConfig.GROUP_ID_CONFIG, "corrupt-reader-" + System.nanoTime());
      List<GenerationRequest> decoded = new ArrayList<>();
      List<SerdeException.Reason> deadLetters = new ArrayList<>();
      List<Long> deadLetterOffsets = new ArrayList<>();
      try (KafkaConsumer<String, GenerationRequest> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
          new AvroDeserializer<>(registry, GenerationRequest.class))) {
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (decoded.size() + deadLetters.size() < values.size() && System.nanoTime() < deadline) {
          try {
            for (ConsumerRecord<String, GenerationRequest> record : consumer.poll(Duration.ofMillis(100))) {
              decoded.add(record.value());
            }
          } catch (RecordDeserializationException e) {
            assertThat(e.getCause()).isInstanceOf(SerdeException.class);
            SerdeException cause = (SerdeException) e.getCause();
            assertThat(cause.topic()).isEqualTo(topic);
            assertThat(e.valueBuffer()).as("original bytes for the DLQ").isNotNull();
            assertThat(new String(cause.headers().lastHeader(SerdeException.HEADER_REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo(cause.reason().name());
            deadLetters.add(cause.reason());
            deadLetterOffsets.add(e.offset());
            consumer.seek(new TopicPartition(topic, e.topicPartition().partition()), e.offset() + 1);
          }
        }
      }
      assertThat(decoded).containsExactly(SampleRequests.request(0), SampleRequests.request(1), SampleRequests.request(2));
      assertThat(deadLetterOffsets).containsExactly(1L, 3L, 4L, 5L);
      assertThat(deadLetters).containsExactly(SerdeException.Reason.UNKNOWN_MAGIC_BYTE, SerdeException.Reason.MALFORMED_BODY,
          SerdeException.Reason.UNKNOWN_SCHEMA_ID, SerdeException.Reason.TRUNCATED_HEADER);
    }
  }
}
