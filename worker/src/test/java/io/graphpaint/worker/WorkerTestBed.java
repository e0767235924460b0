package io.graphpaint.worker;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.events.CancelRequest;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.serde.AvroDeserializer;
import io.graphpaint.schemas.serde.AvroSerializer;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.worker.models.ArtifactModelLoader;
import io.graphpaint.worker.models.ModelManager;
import io.graphpaint.worker.ops.WorkerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Drives workers on a devstack: topics and buckets, requests in, committed results out (read
 * with {@code isolation.level=read_committed}, every record kept so duplicates show), DLQ records.
 */
final class WorkerTestBed implements AutoCloseable {

  static final int STEPS = 2;

  final DevStack stack;
  final SchemaRegistryClient registry;
  final ObjectStore store;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AvroSerializer<GenerationRequest> requests;
  private final AvroSerializer<CancelRequest> cancels;
  private final AvroSerializer<ModelPublished> publications;
  private final KafkaConsumer<String, byte[]> results;
  private final AvroDeserializer<GenerationResult> resultReader;
  private final KafkaConsumer<byte[], byte[]> dlq;
  private final KafkaConsumer<String, byte[]> progress;
  private final AvroDeserializer<GenerationProgress> progressReader;
  private final List<GenerationProgress> progressSeen = new ArrayList<>();
  private final List<GenerationResult> seen = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
  private final List<GenerationWorker> workers = new ArrayList<>();
  private final Map<GenerationWorker, WorkerMetrics> metrics = new ConcurrentHashMap<>();

  WorkerTestBed(DevStack stack) {
    this(stack, storeConfig(stack.s3Endpoint(), stack.s3().accessKey(), stack.s3().secretKey()));
  }

  WorkerTestBed(DevStack stack, ObjectStoreConfig storeConfig) {
    this.stack = stack;
    try (Admin admin = stack.kafka().createAdmin()) {
      new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()).ensureAllTopics();
    }
    this.registry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
    this.store = ObjectStore.open(storeConfig);
    store.ensureBuckets();
    Map<String, Object> producerProps = Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all");
    this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
    this.requests = new AvroSerializer<>(registry, Map.of(), false);
    this.cancels = new AvroSerializer<>(registry, Map.of(), false);
    this.publications = new AvroSerializer<>(registry, Map.of(), false);
    this.results = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
        "isolation.level", "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
    this.resultReader = new AvroDeserializer<>(registry, GenerationResult.class);
    List<TopicPartition> resultPartitions = new ArrayList<>();
    for (int p = 0; p < Topic.RESULTS.partitions(); p++) {
      resultPartitions.add(new TopicPartition(Topic.RESULTS.topicName(), p));
    }
    results.assign(resultPartitions);
    results.seekToBeginning(resultPartitions);
    this.dlq = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
        "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    TopicPartition dlqPartition = new TopicPartition(Topic.REQUESTS_DLQ.topicName(), 0);
    dlq.assign(List.of(dlqPartition));
    dlq.seekToBeginning(List.of(dlqPartition));
    this.progress = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers()),
        new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> progressPartitions = new ArrayList<>();
    for (int p = 0; p < Topic.PROGRESS.partitions(); p++) {
      progressPartitions.add(new TopicPartition(Topic.PROGRESS.topicName(), p));
    }
    progress.assign(progressPartitions);
    progress.seekToBeginning(progressPartitions);
    this.progressReader = new AvroDeserializer<>(registry, GenerationProgress.class);
  }

  /** Progress events so far of {@code requestId}, in arrival order. */
  synchronized List<GenerationProgress> progressOf(String requestId) {
    for (int i = 0; i < 3; i++) {
      readProgress(Duration.ofMillis(200));
    }
    return progressSeen.stream().filter(event -> event.getRequestId().equals(requestId)).toList();
  }

  /** Progress events so far sent by worker {@code workerId}, in arrival order (one short poll). */
  synchronized List<GenerationProgress> progressOfWorker(String workerId) {
    readProgress(Duration.ofMillis(50));
    return progressSeen.stream().filter(event -> event.getWorkerId().equals(workerId)).toList();
  }

  private void readProgress(Duration timeout) {
    for (ConsumerRecord<String, byte[]> record : progress.poll(timeout)) {
      progressSeen.add(progressReader.deserialize(record.topic(), record.value()));
    }
  }

  static ObjectStoreConfig storeConfig(String endpoint, String accessKey, String secretKey) {
    return ObjectStoreConfig.builder().setEndpoint(endpoint).setAccessKey(accessKey).setSecretKey(secretKey).build();
  }

  /** Settings for a test worker: short session and transaction timeouts, a fast poll. */
  Map<String, Object> settings(String workerId) {
    Map<String, Object> props = new HashMap<>();
    props.put(WorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
    props.put(WorkerConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
    props.put(WorkerConfig.WORKER_ID, workerId);
    props.put(WorkerConfig.SESSION_TIMEOUT_MS, "6000");
    props.put(WorkerConfig.TRANSACTION_TIMEOUT_MS, "5000");
    props.put(WorkerConfig.HTTP_PORT, "-1");
    props.put(WorkerConfig.STORE_RETRY_INITIAL_MS, "100");
    props.put(WorkerConfig.STORE_RETRY_MAX_MS, "1000");
    props.put(WorkerConfig.SHUTDOWN_TIMEOUT_MS, "20000");
    return props;
  }

  GenerationWorker startWorker(Map<String, Object> settings, Path defaultModel) {
    return startWorker(settings, defaultModel, store);
  }

  GenerationWorker startWorker(Map<String, Object> settings, Path defaultModel, ObjectStore imageStore) {
    Map<String, Object> props = new HashMap<>(settings);
    props.put(WorkerConfig.MODEL_DEFAULT_DIR, defaultModel.toString());
    WorkerConfig config = WorkerConfig.from(props, Map.of());
    WorkerMetrics workerMetrics = new WorkerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    Path cache;
    try {
      cache = Files.createTempDirectory("graphpaint-worker-cache");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ArtifactModelLoader loader = new ArtifactModelLoader(store, cache, ai.djl.Device.cpu());
    ModelManager models = new ModelManager(config.modelName(), config.modelCacheSize(), loader, workerMetrics);
    GenerationWorker worker = new GenerationWorker(config, imageStore, registry, models, workerMetrics);
    worker.start();
    workers.add(worker);
    metrics.put(worker, workerMetrics);
    return worker;
  }

  WorkerMetrics metrics(GenerationWorker worker) {
    return metrics.get(worker);
  }

  static GenerationRequest request(String id, List<String> labels, List<Relationship> relationships, int images, Long seed) {
    List<SceneObject> objects = labels.stream()
        .map(label -> SceneObject.newBuilder().setLabel(label).setAttributes(List.of()).build()).toList();
    return GenerationRequest.newBuilder().setRequestId(id)
        .setGraph(SceneGraph.newBuilder().setObjects(objects).setRelationships(relationships).build())
        .setNumImages(images).setSeed(seed).setSteps(STEPS).setGuidanceScale(1f).setSize(TestModels.SIZE)
        .setSubmittedAt(Instant.now()).setTags(Map.of("test", "worker")).build();
  }

  static Relationship rel(int subject, String predicate, int object) {
    return Relationship.newBuilder().setSubject(subject).setPredicate(predicate).setObject(object).build();
  }

  /** A valid request: 2-3 shapes with a relation, {@code images} images. */
  static GenerationRequest good(String id, int images) {
    int variant = Math.floorMod(id.hashCode(), 3);
    return switch (variant) {
      case 0 -> request(id, List.of("red circle", "blue square"), List.of(rel(0, "left of", 1)), images, null);
      case 1 -> request(id, List.of("green triangle", "red square", "blue circle"),
          List.of(rel(0, "above", 1), rel(2, "right of", 1)), images, 42L);
      default -> request(id, List.of("blue triangle"), List.of(), images, null);
    };
  }

  void send(Collection<GenerationRequest> batch) {
    for (GenerationRequest request : batch) {
      producer.send(new ProducerRecord<>(Topic.REQUESTS.topicName(), request.getRequestId().getBytes(),
          requests.serialize(Topic.REQUESTS.topicName(), request)));
    }
    producer.flush();
  }

  void sendRaw(byte[] key, byte[] value) {
    producer.send(new ProducerRecord<>(Topic.REQUESTS.topicName(), key, value));
    producer.flush();
  }

  void cancel(String requestId) {
    CancelRequest cancel = CancelRequest.newBuilder().setRequestId(requestId).setReason("test").setRequestedAt(Instant.now()).build();
    producer.send(new ProducerRecord<>(Topic.CANCELLATIONS.topicName(), requestId.getBytes(),
        cancels.serialize(Topic.CANCELLATIONS.topicName(), cancel)));
    producer.flush();
  }

  void publish(ModelPublished published) {
    producer.send(new ProducerRecord<>(Topic.MODELS.topicName(),
        (published.getModelName() + "/" + published.getVersion()).getBytes(),
        publications.serialize(Topic.MODELS.topicName(), published)));
    producer.flush();
  }

  /** Every committed result so far for {@code ids}, per id in commit order (duplicates kept). */
  synchronized Map<String, List<GenerationResult>> resultsFor(Collection<String> ids) {
    for (ConsumerRecord<String, byte[]> record : results.poll(Duration.ofMillis(200))) {
      seen.add(resultReader.deserialize(record.topic(), record.value()));
    }
    Map<String, List<GenerationResult>> byId = new HashMap<>();
    for (GenerationResult result : seen) {
      if (ids.contains(result.getRequestId())) {
        byId.computeIfAbsent(result.getRequestId(), id -> new ArrayList<>()).add(result);
      }
    }
    return byId;
  }

  /** Waits until every id has at least one committed result, then reads a little longer for duplicates. */
  Map<String, List<GenerationResult>> awaitResults(Collection<String> ids, Duration timeout) {
    await(() -> resultsFor(ids).size() == ids.size(), timeout,
        () -> "results for " + ids.size() + " requests; missing "
            + ids.stream().filter(id -> !resultsFor(ids).containsKey(id)).limit(10).toList());
    for (int i = 0; i < 5; i++) {
      resultsFor(ids);
    }
    return resultsFor(ids);
  }

  synchronized List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    for (ConsumerRecord<byte[], byte[]> record : dlq.poll(Duration.ofMillis(200))) {
      deadLetters.add(record);
    }
    return List.copyOf(deadLetters);
  }

  static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  @Override
  public void close() {
    for (GenerationWorker worker : workers) {
      worker.shutdown();
    }
    producer.close();
    results.close();
    dlq.close();
    progress.close();
    store.close();
    registry.close();
  }
}
