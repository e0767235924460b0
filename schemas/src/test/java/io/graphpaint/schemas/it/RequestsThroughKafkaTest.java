package io.graphpaint.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.serde.AvroDeserializer;
import io.graphpaint.schemas.serde.AvroSerializer;
import io.graphpaint.schemas.serde.WireFormat;
import io.graphpaint.schemas.testing.SampleRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The whole path on a real broker and registry: 1,000 requests through the serde into the
 * 12-partition requests topic, read back by a 2-member consumer group.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE, parts = {DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY})
class RequestsThroughKafkaTest {

  private static final int RECORDS = 1000;
  private static final String TOPIC = Topic.REQUESTS.topicName();

  @Test
  void thousandRequestsThroughATwoMemberGroup(DevStack stack) throws Exception {
    try (Admin admin = stack.kafka().createAdmin()) {
      new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()).ensureTopics(List.of(Topic.REQUESTS));
    }
    Map<String, GenerationRequest> sent = new LinkedHashMap<>();
    for (int n = 0; n < RECORDS; n++) {
      GenerationRequest request = SampleRequests.request(n);
      sent.put(request.getRequestId(), request);
    }

    try (SchemaRegistryClient producerRegistry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
        SchemaRegistryClient consumerRegistry = SchemaRegistryClient.create(stack.schemaRegistryUrl())) {
      ExecutorService members = Executors.newFixedThreadPool(2);
      AtomicBoolean stop = new AtomicBoolean();
      Map<String, GenerationRequest> received = new ConcurrentHashMap<>();
      AtomicInteger deliveries = new AtomicInteger();
      Map<Integer, Set<TopicPartition>> assignedByMember = new ConcurrentHashMap<>();
      Map<Integer, Set<TopicPartition>> recordsFromByMember = new ConcurrentHashMap<>();
      List<Future<?>> running = new ArrayList<>();
      for (int member = 0; member < 2; member++) {
        int memberId = member;
        recordsFromByMember.put(memberId, ConcurrentHashMap.newKeySet());
        running.add(members.submit(() -> {
          try (KafkaConsumer<String, GenerationRequest> consumer = new KafkaConsumer<>(consumerProps(stack, "member-" + memberId),
              new StringDeserializer(), new AvroDeserializer<>(consumerRegistry, GenerationRequest.class))) {
            consumer.subscribe(List.of(TOPIC));
            while (!stop.get()) {
              for (ConsumerRecord<String, GenerationRequest> record : consumer.poll(Duration.ofMillis(100))) {
                assertThat(record.key()).isEqualTo(record.value().getRequestId());
                received.put(record.key(), record.value());
                recordsFromByMember.get(memberId).add(new TopicPartition(record.topic(), record.partition()));
                deliveries.incrementAndGet();
              }
              assignedByMember.put(memberId, Set.copyOf(consumer.assignment()));
              consumer.commitAsync();
            }
          }
          return null;
        }));
      }
      awaitUntil(() -> assignedByMember.size() == 2
          && assignedByMember.values().stream().noneMatch(Set::isEmpty)
          && assignedByMember.values().stream().mapToInt(Set::size).sum() == Topic.REQUESTS.partitions(),
          Duration.ofSeconds(60), "both members to share the 12 partitions: " + assignedByMember);

      try (KafkaProducer<String, GenerationRequest> producer = new KafkaProducer<>(producerProps(stack),
          new StringSerializer(), new AvroSerializer<>(producerRegistry, Map.of(), false))) {
        for (GenerationRequest request : sent.values()) {
          producer.send(new ProducerRecord<>(TOPIC, request.getRequestId(), request));
        }
        producer.flush();
      }
      awaitUntil(() -> received.size() == RECORDS, Duration.ofSeconds(60), "all records to arrive: " + received.size());
      stop.set(true);
      for (Future<?> member : running) {
        member.get();
      }
      members.shutdown();

      assertThat(received).isEqualTo(sent);
      assertThat(deliveries.get()).as("each record delivered once").isEqualTo(RECORDS);
      Set<TopicPartition> first = recordsFromByMember.get(0);
      Set<TopicPartition> second = recordsFromByMember.get(1);
      assertThat(first).isNotEmpty().doesNotContainAnyElementsOf(second);
      assertThat(second).isNotEmpty();
      Set<TopicPartition> all = new HashSet<>(first);
      all.addAll(second);
      assertThat(all).hasSize(Topic.REQUESTS.partitions());

      assertThat(producerRegistry.httpCalls()).as("1,000 records, one registration").isEqualTo(1);
      assertThat(consumerRegistry.httpCalls()).as("two members, one schema fetch").isEqualTo(1);
    }

    bytesOnTheTopicNameTheWriterSchemaById(stack);
  }

  /** Byte 0 is 0x00 and bytes 1-4 an id the registry's own endpoint resolves to the writer schema. */
  private static void bytesOnTheTopicNameTheWriterSchemaById(DevStack stack) throws Exception {
    Map<String, Object> props = consumerProps(stack, "raw");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Set<Integer> ids = new HashSet<>();
    int seen = 0;
    try (KafkaConsumer<byte[], byte[]> raw = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < Topic.REQUESTS.partitions(); p++) {
        partitions.add(new TopicPartition(TOPIC, p));
      }
      raw.assign(partitions);
      raw.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen < RECORDS && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : raw.poll(Duration.ofMillis(200))) {
          assertThat(record.value()[0]).isEqualTo((byte) 0);
          ids.add(WireFormat.schemaId(record.value()));
          seen++;
        }
      }
    }
    assertThat(seen).isEqualTo(RECORDS);
    assertThat(ids).hasSize(1);
    int id = ids.iterator().next();
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/schemas/ids/" + id)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(response.body());
    assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(GenerationRequest.getClassSchema());
  }

  static Map<String, Object> consumerProps(DevStack stack, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "graphpaint-schemas-test-workers");
    props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    return props;
  }

  static Map<String, Object> producerProps(DevStack stack) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return props;
  }

  static void awaitUntil(java.util.function.BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
