package io.graphpaint.worker.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.graphpaint.devstack.DevStack;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.clip.WordLevelTokenizerWriter;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.serde.AvroDeserializer;
import io.graphpaint.schemas.serde.AvroSerializer;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.worker.GenerationWorker;
import io.graphpaint.worker.WorkerConfig;
import io.graphpaint.worker.models.ArtifactModelLoader;
import io.graphpaint.worker.models.ModelManager;
import io.graphpaint.worker.ops.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The worker's numbers on the embedded stack, each beside its reference measured in the same run:
 * <ol>
 *   <li>Kafka's own end-to-end latency on the same broker: one 1 KB record at a time, produced with
 *       acks=all and consumed read_committed, as {@code org.apache.kafka.tools.EndToEndLatency} does;</li>
 *   <li>the latency split of requests sent one at a time (queue / encode / sample / store, from the
 *       completions' timings) and the pipeline overhead: request produced to completion consumed,
 *       minus the model's time (encode + sample), as a ratio of Kafka's end-to-end latency;</li>
 *   <li>throughput of a burst at batch.max.size 8 against batch.max.size 1;</li>
 *   <li>resident memory over a long run (RSS from /proc/self/status; broker, registry client and S3
 *       server share the JVM, so growth, not level, is the figure).</li>
 * </ol>
 * Arguments (all optional): {@code model=tiny|default steps=N latency=N burst=N soak=N}.
 * The model is randomly initialised with the chosen architecture (the numbers measure the
 * pipeline, not image quality).
 */
public final class WorkerBench {

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>(Map.of("model", "default", "steps", "8", "latency", "30",
        "burst", "64", "soak", "500", "kafka", "1000", "phases", "latency,burst,soak"));
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      options.put(kv[0], kv[1]);
    }
    int steps = Integer.parseInt(options.get("steps"));
    int size = options.get("model").equals("tiny") ? 16 : 32;
    System.setProperty("ai.djl.offline", "true");
    Path model = writeModel(options.get("model"), size);
    try (DevStack stack = DevStack.start()) {
      try (Admin admin = stack.kafka().createAdmin()) {
        new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()).ensureAllTopics();
      }
      Bench bench = new Bench(stack, model, steps, size);
      try {
        double toolP50 = bench.kafkaTool(Integer.parseInt(options.get("kafka")));
        double[] kafka = bench.kafkaEndToEnd(Integer.parseInt(options.get("kafka")));
        System.out.printf("kafka end-to-end, same round trip in-process (1 KB, acks=all, read_committed): p50 %.2f ms, p99 %.2f ms%n",
            kafka[0], kafka[1]);
        if (toolP50 > 0) {
          kafka[0] = toolP50; // the reference is Kafka's own tool
        }

        List<String> phases = List.of(options.get("phases").split(","));
        GenerationWorker worker;
        if (phases.contains("latency")) {
          worker = bench.worker("bench-latency", 8);
          bench.latency(worker, Integer.parseInt(options.get("latency")), kafka[0]);
          worker.shutdown();
        }
        if (phases.contains("burst")) {
          worker = bench.worker("bench-b8", 8);
          double b8 = bench.burst("b8", Integer.parseInt(options.get("burst")));
          worker.shutdown();
          worker = bench.worker("bench-b1", 1);
          double b1 = bench.burst("b1", Integer.parseInt(options.get("burst")));
          worker.shutdown();
          System.out.printf("throughput: batch 8 %.2f requests/s, batch 1 %.2f requests/s, ratio %.2f%n", b8, b1, b8 / b1);
        }
        if (phases.contains("soak")) {
          worker = bench.worker("bench-soak", 8);
          bench.soak(Integer.parseInt(options.get("soak")));
          worker.shutdown();
        }
      } finally {
        bench.close();
      }
    }
  }

  private static Path writeModel(String kind, int size) throws Exception {
    var vocabulary = ShapesWorld.vocabulary();
    Path tokenizerFile = Files.createTempFile("graphpaint-bench-tokenizer", ".json");
    WordLevelTokenizerWriter.Vocabulary tokens =
        WordLevelTokenizerWriter.write(tokenizerFile, io.graphpaint.worker.TestModels.labelWords(), 24);
    byte[] tokenizer = Files.readAllBytes(tokenizerFile);
    ModelConfig config = kind.equals("tiny") ? ModelConfig.tiny(vocabulary, tokens, size)
        : ModelConfig.defaults(vocabulary, tokens, size);
    Path directory = Files.createTempDirectory("graphpaint-bench-model");
    Engine.getInstance().setRandomSeed(1);
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel created = GraphPaintModel.create(config, vocabulary, tokenizer, manager)) {
      ModelDirectory.save(created, directory, null, Map.of());
    }
    System.out.printf("model: %s architecture, %dx%d, random weights%n", kind, size, size);
    return directory;
  }

  private static final class Bench implements AutoCloseable {
    final DevStack stack;
    final Path model;
    final int steps;
    final int size;
    final SchemaRegistryClient registry;
    final ObjectStore store;
    final KafkaProducer<byte[], byte[]> producer;
    final AvroSerializer<GenerationRequest> serializer;
    final KafkaConsumer<String, byte[]> results;
    final AvroDeserializer<GenerationResult> deserializer;
    final Map<String, Long> sentAt = new HashMap<>();
    final AtomicInteger ids = new AtomicInteger();

    Bench(DevStack stack, Path model, int steps, int size) {
      this.stack = stack;
      this.model = model;
      this.steps = steps;
      this.size = size;
      this.registry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
      this.store = ObjectStore.open(ObjectStoreConfig.builder().setEndpoint(stack.s3Endpoint())
          .setAccessKey(stack.s3().accessKey()).setSecretKey(stack.s3().secretKey()).build());
      store.ensureBuckets();
      this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all",
          "linger.ms", 0), new ByteArraySerializer(), new ByteArraySerializer());
      this.serializer = new AvroSerializer<>(registry, Map.of(), false);
      this.results = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
          "isolation.level", "read_committed", "fetch.max.wait.ms", 10), new StringDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < Topic.RESULTS.partitions(); p++) {
        partitions.add(new TopicPartition(Topic.RESULTS.topicName(), p));
      }
      results.assign(partitions);
      results.seekToEnd(partitions);
      partitions.forEach(results::position);
      this.deserializer = new AvroDeserializer<>(registry, GenerationResult.class);
    }

    GenerationWorker worker(String id, int batch) {
      Map<String, Object> props = new HashMap<>();
      props.put(WorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
      props.put(WorkerConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
      props.put(WorkerConfig.WORKER_ID, id);
      props.put(WorkerConfig.BATCH_MAX_SIZE, Integer.toString(batch));
      props.put(WorkerConfig.BATCH_MAX_WAIT_MS, "20");
      props.put(WorkerConfig.POLL_TIMEOUT_MS, "20");
      props.put(WorkerConfig.HTTP_PORT, "-1");
      props.put(WorkerConfig.MODEL_DEFAULT_DIR, model.toString());
      props.put(WorkerConfig.MODEL_FOLLOW, "false");
      WorkerConfig config = WorkerConfig.from(props, Map.of());
      WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry());
      try {
        ArtifactModelLoader loader = new ArtifactModelLoader(store, Files.createTempDirectory("bench-cache"), ai.djl.Device.cpu());
        GenerationWorker worker = new GenerationWorker(config, store, registry,
            new ModelManager(config.modelName(), 1, loader, metrics), metrics);
        worker.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!worker.isAssigned() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        return worker;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** Runs {@code org.apache.kafka.tools.EndToEndLatency} in a child JVM on the same broker; its p50 in ms. */
    double kafkaTool(int records) throws Exception {
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.EndToEndLatency",
          stack.bootstrapServers(), "bench.e2e.tool", Integer.toString(records), "all", "1024")
          .redirectErrorStream(true).start();
      double p50 = -1;
      for (String line : new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("Avg latency") || line.startsWith("Percentiles")) {
          System.out.println("EndToEndLatency: " + line.trim());
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("50th = ([0-9.]+)").matcher(line);
          if (m.find()) {
            p50 = Double.parseDouble(m.group(1));
          }
        }
      }
      process.waitFor();
      return p50;
    }

    double[] kafkaEndToEnd(int records) {
      String topic = "bench.e2e";
      try (Admin admin = stack.kafka().createAdmin()) {
        admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      byte[] payload = new byte[1024];
      double[] millis = new double[records];
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
          "isolation.level", "read_committed", "fetch.max.wait.ms", 10), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        for (int i = 0; i < records + 50; i++) {
          long start = System.nanoTime();
          producer.send(new ProducerRecord<>(topic, payload));
          producer.flush();
          int got = 0;
          while (got == 0) {
            got = consumer.poll(Duration.ofMillis(1000)).count();
          }
          if (i >= 50) { // the first 50 warm the path up
            millis[i - 50] = (System.nanoTime() - start) / 1e6;
          }
        }
      }
      return new double[] {percentile(millis, 50), percentile(millis, 99)};
    }

    String send(int images) {
      String id = "bench-" + ids.incrementAndGet();
      List<SceneObject> objects = List.of(object("red circle"), object("blue square"), object("green triangle"));
      GenerationRequest request = GenerationRequest.newBuilder().setRequestId(id)
          .setGraph(SceneGraph.newBuilder().setObjects(objects).setRelationships(List.of(
              Relationship.newBuilder().setSubject(0).setPredicate("left of").setObject(1).build(),
              Relationship.newBuilder().setSubject(2).setPredicate("above").setObject(1).build())).build())
          .setNumImages(images).setSteps(steps).setGuidanceScale(1.5f).setSize(size)
          .setSubmittedAt(Instant.now()).build();
      sentAt.put(id, System.nanoTime());
      producer.send(new ProducerRecord<>(Topic.REQUESTS.topicName(), id.getBytes(StandardCharsets.UTF_8),
          serializer.serialize(Topic.REQUESTS.topicName(), request)));
      return id;
    }

    private static SceneObject object(String label) {
      return SceneObject.newBuilder().setLabel(label).setAttributes(List.of()).build();
    }

    /** Waits for {@code count} completions; returns them with their end-to-end latency in ms. */
    List<Object[]> await(int count) {
      List<Object[]> done = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (done.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : results.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          GenerationResult result = deserializer.deserialize(record.topic(), record.value());
          Long sent = sentAt.remove(result.getRequestId());
          if (sent != null && result.getOutcome() instanceof GenerationCompleted completed) {
            done.add(new Object[] {completed, (now - sent) / 1e6});
          } else if (sent != null) {
            throw new IllegalStateException("bench request failed: " + result);
          }
        }
      }
      if (done.size() < count) {
        throw new IllegalStateException("only " + done.size() + " of " + count + " completions arrived");
      }
      return done;
    }

    void latency(GenerationWorker worker, int requests, double kafkaP50) {
      send(1); // warm-up
      producer.flush();
      await(1);
      double[] queue = new double[requests];
      double[] encode = new double[requests];
      double[] sample = new double[requests];
      double[] store = new double[requests];
      double[] total = new double[requests];
      double[] overhead = new double[requests];
      for (int i = 0; i < requests; i++) {
        send(1);
        producer.flush();
        Object[] done = await(1).get(0);
        GenerationCompleted completed = (GenerationCompleted) done[0];
        queue[i] = completed.getTimings().getQueuedMs();
        encode[i] = completed.getTimings().getEncodeMs();
        sample[i] = completed.getTimings().getSampleMs();
        store[i] = completed.getTimings().getStoreMs();
        total[i] = (double) done[1];
        overhead[i] = total[i] - encode[i] - sample[i];
      }
      System.out.printf("latency, %d requests one at a time (1 image, %d steps, guidance 1.5), ms p50 / p99:%n", requests, steps);
      System.out.printf("  queue %.1f / %.1f, encode %.1f / %.1f, sample %.1f / %.1f, store %.1f / %.1f, end-to-end %.1f / %.1f%n",
          percentile(queue, 50), percentile(queue, 99), percentile(encode, 50), percentile(encode, 99),
          percentile(sample, 50), percentile(sample, 99), percentile(store, 50), percentile(store, 99),
          percentile(total, 50), percentile(total, 99));
      System.out.printf("  pipeline overhead (end-to-end - encode - sample) p50 %.1f ms, p99 %.1f ms = %.1f x / %.1f x Kafka's end-to-end p50%n",
          percentile(overhead, 50), percentile(overhead, 99), percentile(overhead, 50) / kafkaP50, percentile(overhead, 99) / kafkaP50);
    }

    double burst(String label, int requests) {
      long start = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        send(1);
      }
      producer.flush();
      await(requests);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("burst %s: %d requests in %.1f s%n", label, requests, seconds);
      return requests / seconds;
    }

    void soak(int requests) {
      long rss0 = rssKb();
      System.out.printf("soak: RSS before %d MB%n", rss0 / 1024);
      int chunk = Math.max(1, requests / 5);
      for (int done = 0; done < requests; done += chunk) {
        for (int i = 0; i < chunk; i++) {
          send(1);
        }
        producer.flush();
        await(chunk);
        System.gc();
        System.out.printf("soak: after %d requests RSS %d MB%n", done + chunk, rssKb() / 1024);
      }
    }

    static long rssKb() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (Exception e) {
        return -1;
      }
      return -1;
    }

    static double percentile(double[] values, double p) {
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1; // nearest rank
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    @Override
    public void close() {
      producer.close();
      results.close();
      store.close();
      registry.close();
    }
  }
}
