package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void brokerAnswersOnItsBootstrapAddress() throws Exception {
        try (Admin admin = kafka.createAdmin()) {
            var nodes = admin.describeCluster().nodes().get();
            assertThat(nodes).hasSize(1);
            assertThat(nodes.iterator().next().port()).isEqualTo(kafka.port());
        }
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
        assertThat(kafka.startupMillis()).isPositive();
    }

    @Test
    void createTopicsIsIdempotentAndKeepsTheFirstPartitionCount() throws Exception {
        kafka.createTopics(List.of(new NewTopic("idempotent.a", 3, (short) 1), new NewTopic("idempotent.b", 1, (short) 1)));
        // again, with a different partition count for the existing topic and one new topic
        kafka.createTopics(List.of(new NewTopic("idempotent.a", 7, (short) 1), new NewTopic("idempotent.c", 2, (short) 1)));
        try (Admin admin = kafka.createAdmin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(Set.of("idempotent.a", "idempotent.b", "idempotent.c"))
                    .allTopicNames().get();
            assertThat(topics.get("idempotent.a").partitions()).hasSize(3);
            assertThat(topics.get("idempotent.b").partitions()).hasSize(1);
            assertThat(topics.get("idempotent.c").partitions()).hasSize(2);
            assertThat(topics.values()).allSatisfy(topic ->
                    assertThat(topic.partitions()).allSatisfy(partition -> assertThat(partition.leader().id()).isEqualTo(1)));
        }
    }

    @Test
    void producedRecordsAreConsumedInOrderWithKeysAndValues() {
        String topic = "roundtrip";
        kafka.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(Map.of()))) {
            for (int i = 0; i < 20; i++) {
                String value = "value-" + i + "-" + UUID.randomUUID();
                sent.add(value);
                producer.send(new ProducerRecord<>(topic, "key-" + i, value));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> received = consumeAll(topic, 20, "read_uncommitted");
        assertThat(received).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);
        assertThat(received).extracting(ConsumerRecord::key).first().isEqualTo("key-0");
        assertThat(received).extracting(ConsumerRecord::offset).containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, 20).boxed().toList());
    }

    @Test
    void committedTransactionsAreVisibleAndAbortedOnesAreNotToReadCommittedConsumers() throws Exception {
        String topic = "transactional";
        kafka.createTopics(List.of(new NewTopic(topic, 2, (short) 1)));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "devstack-test-tx",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "a", "aborted-1"));
            producer.send(new ProducerRecord<>(topic, "b", "aborted-2")).get();
            producer.abortTransaction();
            producer.beginTransaction();
            RecordMetadata committed = producer.send(new ProducerRecord<>(topic, "a", "committed-1")).get();
            producer.send(new ProducerRecord<>(topic, "b", "committed-2"));
            producer.commitTransaction();
            assertThat(committed.offset()).isPositive(); // the aborted record and its marker came first
        }
        List<ConsumerRecord<String, String>> received = consumeAll(topic, 2, "read_committed");
        assertThat(received).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("committed-1", "committed-2");
    }

    private static Properties producerProperties(Map<String, String> extra) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        properties.putAll(extra);
        return properties;
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String topic, int expected, String isolation) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "devstack-test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
            }
            // one more short poll: anything beyond the expected records would be a bug (e.g. aborted data leaking)
            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
        }
        return received;
    }
}
