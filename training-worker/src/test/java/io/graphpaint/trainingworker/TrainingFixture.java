package io.graphpaint.trainingworker;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.graphpaint.devstack.DevStack;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.TrainingState;
import io.graphpaint.events.TrainingStatus;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.train.WordTokenizer;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.serde.AvroSerdes;
import io.graphpaint.storage.ObjectKeys;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The embedded stack as the training worker sees it: topics, registry serdes, the object store, a
 * tiny default model directory, shapes datasets written to the object store, and readers of
 * graphpaint.training and graphpaint.models.
 *
 * <p>Scaled down for test time: the tiny model config (16-wide CLIP, 8/16-channel UNet), 32 px
 * images, a few dozen training samples, tens of steps, a handful of validation graphs sampled with
 * 5 DDIM steps.
 */
final class TrainingFixture implements AutoCloseable {

  static final String DATASETS_BUCKET_KEY_ROOT = "datasets/";
  static final int TEXT_LENGTH = 24;

  final DevStack stack;
  final ObjectStore store;
  final SchemaRegistryClient registry;
  final Path defaultModel;
  final Path scratch;
  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<DatasetUpdate> updates;
  private final Deserializer<TrainingStatus> statuses;
  private final Deserializer<ModelPublished> models;

  TrainingFixture(DevStack stack) throws Exception {
    this.stack = stack;
    this.store = ObjectStore.open(ObjectStoreConfig.builder()
        .setEndpoint(stack.s3Endpoint())
        .setAccessKey(stack.s3().accessKey())
        .setSecretKey(stack.s3().secretKey())
        .build());
    store.ensureBuckets();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()).ensureAllTopics();
    }
    this.registry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
    this.updates = AvroSerdes.forTopic(Topic.DATASET_UPDATES, DatasetUpdate.class, registry, Map.of()).serializer();
    this.statuses = AvroSerdes.forTopic(Topic.TRAINING, TrainingStatus.class, registry, Map.of()).deserializer();
    this.models = AvroSerdes.forTopic(Topic.MODELS, ModelPublished.class, registry, Map.of()).deserializer();
    Map<String, Object> producerProps = new HashMap<>();
    producerProps.put("bootstrap.servers", stack.bootstrapServers());
    producerProps.put("enable.idempotence", true);
    producerProps.put("acks", "all");
    this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    this.scratch = Files.createTempDirectory("graphpaint-training-test");
    this.defaultModel = scratch.resolve("default-model");
    writeTinyModel(defaultModel);
  }

  /** A tiny randomly initialised model over the shapes vocabulary (the "default model" of the tests). */
  static void writeTinyModel(Path directory) {
    Vocabulary vocabulary = ShapesWorld.vocabulary();
    List<String> texts = new ArrayList<>(ShapesWorld.labels());
    texts.addAll(vocabulary.predicates());
    texts.add("a");
    WordTokenizer tokenizer = WordTokenizer.of(texts, TEXT_LENGTH);
    Engine.getInstance().setRandomSeed(7);
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = GraphPaintModel.create(ModelConfig.tiny(vocabulary, tokenizer.ids(), 32),
            vocabulary, tokenizer.json(), manager)) {
      ModelDirectory.save(model, directory, null, Map.of());
    }
  }

  /** Worker settings for tests: tiny budgets, fast coalescing, a free HTTP port. */
  Map<String, Object> workerProperties(String workerId, int maxSteps) {
    Map<String, Object> props = new HashMap<>();
    props.put(TrainingWorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
    props.put(TrainingWorkerConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
    props.put(TrainingWorkerConfig.WORKER_ID, workerId);
    props.put(TrainingWorkerConfig.MODEL_DEFAULT_DIR, defaultModel.toString());
    props.put(TrainingWorkerConfig.WORK_DIR, scratch.resolve("work-" + workerId).toString());
    props.put(TrainingWorkerConfig.MAX_STEPS, Integer.toString(maxSteps));
    props.put(TrainingWorkerConfig.ALIGNMENT_FRACTION, "0.5");
    props.put(TrainingWorkerConfig.BATCH_SIZE, "4");
    props.put(TrainingWorkerConfig.LEARNING_RATE, "0.001");
    props.put(TrainingWorkerConfig.CHECKPOINT_EVERY, "4");
    props.put(TrainingWorkerConfig.EVAL_SAMPLES, "4");
    props.put(TrainingWorkerConfig.EVAL_STEPS, "5");
    props.put(TrainingWorkerConfig.PROGRESS_EVERY, "2");
    props.put(TrainingWorkerConfig.COALESCE_WINDOW_MS, "1000");
    props.put(TrainingWorkerConfig.SESSION_TIMEOUT_MS, "10000");
    props.put(TrainingWorkerConfig.HTTP_PORT, "0");
    props.put(TrainingWorkerConfig.SHUTDOWN_TIMEOUT_MS, "20000");
    return props;
  }

  Map<String, String> objectStoreEnvironment() {
    return Map.of(
        ObjectStoreConfig.ENV_ENDPOINT, stack.s3Endpoint(),
        ObjectStoreConfig.ENV_ACCESS_KEY, stack.s3().accessKey(),
        ObjectStoreConfig.ENV_SECRET_KEY, stack.s3().secretKey());
  }

  /** Writes a shapes dataset version to the object store; returns its manifest URI. */
  String writeShapesDataset(String datasetId, String version, long seed, int train, int val) throws Exception {
    String prefix = ObjectKeys.datasetVersionPrefix(datasetId, version);
    ObjectStoreBlobs sink = new ObjectStoreBlobs(store, store.buckets().datasets(), prefix);
    ShapesDatasets.make(ShapesConfig.builder(seed, 32).optCounts(train, val, 0, 0).optObjects(2, 3).build(), sink, 1);
    return sink.uriOf("manifest.jsonl");
  }

  void send(String modelName, String datasetId, String version, String manifestUri, DatasetFormat format,
      UnknownLabelPolicy policy) {
    DatasetUpdate update = DatasetUpdate.newBuilder()
        .setDatasetId(datasetId).setVersion(version).setManifestUri(manifestUri).setFormat(format)
        .setSampleCount(0).setModelName(modelName).setUnknownLabelPolicy(policy).setSubmittedAt(Instant.now()).build();
    producer.send(new ProducerRecord<>(Topic.DATASET_UPDATES.topicName(), datasetId,
        updates.serialize(Topic.DATASET_UPDATES.topicName(), update)));
    producer.flush();
  }

  void sendRaw(String key, byte[] value) {
    producer.send(new ProducerRecord<>(Topic.DATASET_UPDATES.topicName(), key, value));
    producer.flush();
  }

  /** A committed-records reader of a topic from its beginning. */
  <T> TopicReader<T> reader(Topic topic) {
    Deserializer<?> values = topic == Topic.MODELS ? models : statuses;
    @SuppressWarnings("unchecked")
    Deserializer<T> typed = (Deserializer<T>) values;
    return new TopicReader<>(stack.bootstrapServers(), topic.topicName(), typed);
  }

  /** Reads a topic into a list, waiting for records that match. */
  static final class TopicReader<T> implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<T> values;
    private final String topic;
    final List<ConsumerRecord<String, T>> records = new ArrayList<>();

    TopicReader(String bootstrap, String topic, Deserializer<T> values) {
      Map<String, Object> props = new HashMap<>();
      props.put("bootstrap.servers", bootstrap);
      props.put("isolation.level", "read_committed");
      props.put("auto.offset.reset", "earliest");
      this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
      this.values = values;
      this.topic = topic;
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    /** Polls until a record satisfies {@code match} (returns it) or the timeout passes (fails). */
    ConsumerRecord<String, T> await(Predicate<T> match, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      int checked = 0;
      while (true) {
        for (; checked < records.size(); checked++) {
          if (match.test(records.get(checked).value())) {
            return records.get(checked);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no matching record on " + topic + " within " + timeout + "; saw " + records.size()
              + ": " + records.stream().map(r -> String.valueOf(r.value())).toList());
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          records.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.key(),
              values.deserialize(topic, record.value())));
        }
      }
    }

    /** Reads whatever arrives for {@code duration}. */
    void drain(Duration duration) {
      long deadline = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          records.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.key(),
              values.deserialize(topic, record.value())));
        }
      }
    }

    List<T> values() {
      return records.stream().map(ConsumerRecord::value).toList();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  static Predicate<TrainingStatus> state(String datasetId, String version, TrainingState state) {
    return s -> s.getDatasetId().equals(datasetId) && s.getDatasetVersion().equals(version) && s.getState() == state;
  }

  @Override
  public void close() {
    producer.close();
    registry.close();
    store.close();
  }
}
