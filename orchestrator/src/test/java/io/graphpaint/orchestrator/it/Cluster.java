package io.graphpaint.orchestrator.it;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.orchestrator.OrchestratorApp;
import io.graphpaint.orchestrator.RegistryAvroSerdes;
import io.graphpaint.orchestrator.config.OrchestratorConfig;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Orchestrator instances on an embedded stack, plus what a test needs around them: an HTTP client,
 * a producer that plays the generation worker, the object store.
 */
final class Cluster implements AutoCloseable {

  static final int PARTITIONS = 4;

  final DevStack stack;
  final SchemaRegistryClient registry;
  final RegistryAvroSerdes serdes;
  final ObjectStore store;
  final List<OrchestratorApp> apps = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final KafkaProducer<String, byte[]> producer;
  /** The API token, when the instances require one; sent by {@link #get} and {@link #send}. */
  final String token;
  private final Path stateDir;

  Cluster(DevStack stack, int instances, Map<String, String> extra) throws Exception {
    this.stack = stack;
    this.token = extra.get(OrchestratorConfig.HTTP_AUTH_TOKEN);
    this.registry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
    this.serdes = new RegistryAvroSerdes(registry);
    this.store = ObjectStore.open(ObjectStoreConfig.builder()
        .setEndpoint(stack.s3Endpoint())
        .setAccessKey(stack.s3().accessKey())
        .setSecretKey(stack.s3().secretKey())
        .build());
    store.ensureBuckets();
    TopicAdmin.Settings settings = TopicAdmin.Settings.singleBroker();
    for (Topic topic : List.of(Topic.REQUESTS, Topic.PROGRESS, Topic.RESULTS, Topic.CANCELLATIONS)) {
      settings = settings.withPartitions(topic, PARTITIONS); // co-partitioned, fewer for a fast test
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicAdmin(admin, settings).ensureAllTopics();
    }
    this.stateDir = Files.createTempDirectory("orchestrator-it-");
    Map<String, Object> producerProps = new HashMap<>();
    producerProps.put("bootstrap.servers", stack.bootstrapServers());
    producerProps.put("enable.idempotence", true);
    producerProps.put("acks", "all");
    this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    for (int i = 0; i < instances; i++) {
      Map<String, Object> props = new HashMap<>();
      props.put(OrchestratorConfig.KAFKA_BOOTSTRAP_SERVERS, stack.bootstrapServers());
      props.put(OrchestratorConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
      props.put(OrchestratorConfig.HTTP_HOST, "127.0.0.1");
      props.put(OrchestratorConfig.HTTP_PORT, "0");
      props.put(OrchestratorConfig.HTTP_ADVERTISED_HOST, "127.0.0.1");
      props.put(OrchestratorConfig.STREAMS_STATE_DIR, stateDir.toString());
      props.put(OrchestratorConfig.STREAMS_APPLICATION_ID, "orchestrator-it");
      props.put(OrchestratorConfig.SSE_POLL_MS, "50");
      props.putAll(extra);
      apps.add(OrchestratorApp.start(OrchestratorConfig.load(props, Map.of()), serdes, Optional.of(store)));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    for (OrchestratorApp app : apps) {
      if (!app.awaitRunning(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
        throw new IllegalStateException("orchestrator did not reach RUNNING: " + app.streams().state());
      }
    }
    awaitStableAssignment();
  }

  /** Waits until every instance knows the owners of every status partition. */
  private void awaitStableAssignment() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      boolean ready = true;
      for (OrchestratorApp app : apps) {
        int assigned = app.streams().streamsMetadataForStore(
            io.graphpaint.orchestrator.status.StatusTopology.STATUS_STORE).stream()
            .mapToInt(m -> m.topicPartitions().size()).sum();
        ready &= app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING && assigned > 0;
      }
      if (ready) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("assignment did not settle");
  }

  String base(int instance) {
    return "http://127.0.0.1:" + apps.get(instance).port();
  }

  HttpResponse<String> get(int instance, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(instance) + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(int instance, String method, String path, String body, String contentType)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(instance) + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Plays the generation worker: writes an event the way a worker would. */
  void produce(Topic topic, String key, SpecificRecord value) throws Exception {
    @SuppressWarnings("unchecked")
    byte[] bytes = serdes.forValue((Class<SpecificRecord>) topic.valueType()).serializer()
        .serialize(topic.topicName(), value);
    producer.send(new ProducerRecord<>(topic.topicName(), key, bytes)).get();
  }

  /** Writes bytes as they are: for records no serde can read. */
  void produceRaw(Topic topic, String key, byte[] bytes) throws Exception {
    producer.send(new ProducerRecord<>(topic.topicName(), key, bytes)).get();
  }

  long endOffsets(Topic topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      var partitions = admin.describeTopics(List.of(topic.topicName())).allTopicNames().get()
          .get(topic.topicName()).partitions();
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> query = new HashMap<>();
      partitions.forEach(p -> query.put(new org.apache.kafka.common.TopicPartition(topic.topicName(), p.partition()),
          org.apache.kafka.clients.admin.OffsetSpec.latest()));
      return admin.listOffsets(query).all().get().values().stream().mapToLong(r -> r.offset()).sum();
    }
  }

  @Override
  public void close() {
    apps.forEach(OrchestratorApp::close);
    producer.close(Duration.ofSeconds(5));
    store.close();
    registry.close();
  }
}
