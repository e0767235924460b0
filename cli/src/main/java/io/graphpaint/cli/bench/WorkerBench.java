package io.graphpaint.cli.bench;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.data.Vocabulary;
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
import io.graphpaint.worker.models.DeviceSelection;
import io.graphpaint.worker.models.ModelManager;
import io.graphpaint.worker.ops.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The generation worker's numbers on the embedded stack (Kafka, schema registry and S3 in this
 * JVM), serving a real model directory, each beside its reference measured in the same run:
 * <ol>
 *   <li>Kafka's end-to-end latency on the same broker: one 1 KB record at a time, produced with
 *       acks=all and consumed read_committed (the worker's own path), and Kafka's
 *       {@code org.apache.kafka.tools.EndToEndLatency} in a child JVM as the outside check;</li>
 *   <li>the latency split of requests sent one at a time (queue / encode / sample / store, from
 *       the completions' timings) and the pipeline overhead: request produced to completion
 *       consumed, minus the model's time (encode + sample), as a ratio of Kafka's p50;</li>
 *   <li>throughput of a burst of 1-image requests at batch.max.size 8 against batch.max.size 1,
 *       at batch 8 with the UNet run per image (the default, batch-invariant results) and/or on
 *       the whole batch at once ({@code graphpaint.worker.batch.unet.whole});</li>
 *   <li>resident memory over a long run (RSS from /proc/self/status; broker, registry client and
 *       S3 server share the JVM, so growth, not level, is the figure).</li>
 * </ol>
 * Image size, guidance scale and the scene's labels come from the model directory's model.json.
 */
public final class WorkerBench {

  /** The parts of the run. */
  public enum Phase {
    LATENCY, BURST, SOAK
  }

  /** Which UNet modes the burst phase measures at batch 8 (batch 1 is the same in both). */
  public enum BatchMode {
    PER_IMAGE("per-image"), WHOLE("whole"), BOTH("both");

    private final String label;

    BatchMode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static BatchMode parse(String text) {
      for (BatchMode mode : values()) {
        if (mode.label.equals(text)) {
          return mode;
        }
      }
      throw new IllegalArgumentException("--batch-mode must be per-image, whole or both, got '" + text + "'");
    }

    boolean measuresPerImage() {
      return this != WHOLE;
    }

    boolean measuresWhole() {
      return this != PER_IMAGE;
    }
  }

  /** Most DDIM steps a worker accepts by default ({@code graphpaint.worker.limit.steps}). */
  static final int MAX_STEPS = 250;

  /**
   * What to run.
   *
   * @param model a model directory (model.json + weights)
   * @param steps DDIM steps per request
   * @param latencyRequests requests sent one at a time in the latency phase
   * @param burstRequests requests sent at once per burst
   * @param burstRounds rounds of the burst phase, each measuring every batch setting once (interleaved,
   *     so a change in the machine's load falls on all settings alike)
   * @param soakRequests requests of the soak phase
   * @param kafkaRecords records of each Kafka end-to-end reference
   * @param phases the phases to run, in their order
   * @param batchMode the UNet modes measured at batch 8
   */
  public record Options(Path model, int steps, int latencyRequests, int burstRequests, int burstRounds,
      int soakRequests, int kafkaRecords, Set<Phase> phases, BatchMode batchMode) {

    public Options {
      if (model == null) {
        throw new IllegalArgumentException("--model must name a model directory");
      }
      if (steps < 1 || steps > MAX_STEPS) {
        throw new IllegalArgumentException("--steps must be within [1, " + MAX_STEPS + "], got " + steps);
      }
      requireAtLeastOne("--latency", latencyRequests);
      requireAtLeastOne("--burst", burstRequests);
      requireAtLeastOne("--rounds", burstRounds);
      requireAtLeastOne("--soak", soakRequests);
      requireAtLeastOne("--kafka", kafkaRecords);
      if (phases == null || phases.isEmpty()) {
        throw new IllegalArgumentException("--phases must name at least one of latency, burst, soak");
      }
      if (batchMode == null) {
        throw new IllegalArgumentException("--batch-mode must be per-image, whole or both");
      }
      phases = Set.copyOf(EnumSet.copyOf(phases));
    }

    private static void requireAtLeastOne(String flag, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(flag + " must be >= 1, got " + value);
      }
    }

    /** {@code latency,burst,soak} (any subset, any case) to phases. */
    public static Set<Phase> parsePhases(List<String> names) {
      EnumSet<Phase> phases = EnumSet.noneOf(Phase.class);
      for (String name : names) {
        try {
          phases.add(Phase.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--phases must be among latency, burst, soak, got '" + name + "'");
        }
      }
      return phases;
    }
  }

  private WorkerBench() {}

  /**
   * Runs the chosen phases and prints their figures to {@code out}.
   *
   * @throws IllegalArgumentException when {@code options.model()} is not a readable model directory
   */
  public static void run(Options options, PrintWriter out) throws Exception {
    Path model = options.model().toAbsolutePath().normalize();
    ModelConfig config = ModelDirectory.readConfig(model); // a clear error if it is no model directory
    Vocabulary vocabulary = ModelDirectory.readVocabulary(model);
    int size = config.unet().sampleSize();
    float guidance = (float) config.sampling().guidanceScale();
    SceneGraph scene = scene(vocabulary);
    out.printf("model: %s, %dx%d, %d steps, guidance %.1f, scene %s%n", model, size, size, options.steps(),
        guidance, describe(scene));
    out.flush();
    Path cache = Files.createTempDirectory("graphpaint-bench-models");
    try (DevStack stack = DevStack.start()) {
      try (Admin admin = stack.kafka().createAdmin()) {
        new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()).ensureAllTopics();
      }
      try (Bench bench = new Bench(stack, model, cache, scene, options.steps(), size, guidance, out)) {
        double kafkaP50 = bench.kafkaReference(options.kafkaRecords());
        if (options.phases().contains(Phase.LATENCY)) {
          try (RunningWorker worker = bench.worker("bench-latency", 8, false)) {
            bench.latency(options.latencyRequests(), kafkaP50);
          }
        }
        if (options.phases().contains(Phase.BURST)) {
          bench.bursts(options.burstRequests(), options.burstRounds(), options.batchMode());
        }
        if (options.phases().contains(Phase.SOAK)) {
          try (RunningWorker worker = bench.worker("bench-soak", 8, false)) {
            bench.soak(options.soakRequests());
          }
        }
      }
    } finally {
      deleteRecursively(cache);
    }
  }

  /** Three objects and two relationships from the model's own vocabulary (the first labels it knows). */
  static SceneGraph scene(Vocabulary vocabulary) {
    List<String> labels = vocabulary.objectLabels();
    List<String> predicates = vocabulary.predicates();
    if (labels.size() < 3 || predicates.size() < 2) {
      throw new IllegalArgumentException("the model's vocabulary has " + labels.size() + " object labels and "
          + predicates.size() + " predicates; the bench's scene needs at least 3 and 2");
    }
    List<SceneObject> objects = labels.subList(0, 3).stream()
        .map(label -> SceneObject.newBuilder().setLabel(label).setAttributes(List.of()).build())
        .toList();
    return SceneGraph.newBuilder().setObjects(objects).setRelationships(List.of(
        Relationship.newBuilder().setSubject(0).setPredicate(predicates.get(0)).setObject(1).build(),
        Relationship.newBuilder().setSubject(2).setPredicate(predicates.get(1)).setObject(1).build())).build();
  }

  private static String describe(SceneGraph scene) {
    return scene.getRelationships().stream()
        .map(r -> "(" + scene.getObjects().get(r.getSubject()).getLabel() + " " + r.getPredicate() + " "
            + scene.getObjects().get(r.getObject()).getLabel() + ")")
        .collect(Collectors.joining(" "));
  }

  /** A started worker with its model loader; closing shuts the worker down, then frees the loader. */
  private record RunningWorker(GenerationWorker worker, ArtifactModelLoader loader) implements AutoCloseable {
    @Override
    public void close() {
      worker.shutdown();
      loader.close();
    }
  }

  private static final class Bench implements AutoCloseable {
    private final DevStack stack;
    private final Path model;
    private final Path cache;
    private final SceneGraph scene;
    private final int steps;
    private final int size;
    private final float guidance;
    private final PrintWriter out;
    private final SchemaRegistryClient registry;
    private final ObjectStore store;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerializer<GenerationRequest> serializer;
    private final KafkaConsumer<String, byte[]> results;
    private final AvroDeserializer<GenerationResult> deserializer;
    private final Map<String, Long> sentAt = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    Bench(DevStack stack, Path model, Path cache, SceneGraph scene, int steps, int size, float guidance,
        PrintWriter out) {
      this.stack = stack;
      this.model = model;
      this.cache = cache;
      this.scene = scene;
      this.steps = steps;
      this.size = size;
      this.guidance = guidance;
      this.out = out;
      this.registry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
      this.store = ObjectStore.open(ObjectStoreConfig.builder().setEndpoint(stack.s3Endpoint())
          .setAccessKey(stack.s3().accessKey()).setSecretKey(stack.s3().secretKey()).build());
      store.ensureBuckets();
      this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all",
          "linger.ms", 0), new ByteArraySerializer(), new ByteArraySerializer());
      this.serializer = new AvroSerializer<>(registry, Map.of(), false);
      this.results = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
          "isolation.level", "read_committed", "fetch.max.wait.ms", 10), new StringDeserializer(),
          new ByteArrayDeserializer());
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < Topic.RESULTS.partitions(); p++) {
        partitions.add(new TopicPartition(Topic.RESULTS.topicName(), p));
      }
      results.assign(partitions);
      results.seekToEnd(partitions);
      partitions.forEach(results::position);
      this.deserializer = new AvroDeserializer<>(registry, GenerationResult.class);
    }

    RunningWorker worker(String id, int batch, boolean wholeBatchUNet) {
      Map<String, Object> props = new HashMap<>();
      props.put(WorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
      props.put(WorkerConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
      props.put(WorkerConfig.WORKER_ID, id);
      props.put(WorkerConfig.BATCH_MAX_SIZE, Integer.toString(batch));
      props.put(WorkerConfig.BATCH_MAX_WAIT_MS, "20");
      props.put(WorkerConfig.BATCH_UNET_WHOLE, Boolean.toString(wholeBatchUNet));
      props.put(WorkerConfig.POLL_TIMEOUT_MS, "20");
      props.put(WorkerConfig.HTTP_PORT, "-1");
      props.put(WorkerConfig.MODEL_DEFAULT_DIR, model.toString());
      props.put(WorkerConfig.MODEL_FOLLOW, "false");
      props.put(WorkerConfig.TOPICS_CREATE, "false"); // created above
      WorkerConfig config = WorkerConfig.from(props, Map.of());
      WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry());
      ArtifactModelLoader loader = new ArtifactModelLoader(store, cache, DeviceSelection.parse(config.device()),
          config.wholeBatchUNet());
      GenerationWorker worker = new GenerationWorker(config, store, registry,
          new ModelManager(config.modelName(), 1, loader, metrics), metrics);
      RunningWorker running = new RunningWorker(worker, loader);
      try {
        worker.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!worker.isAssigned() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        if (!worker.isAssigned()) {
          throw new IllegalStateException("worker " + id + " got no partitions within 120 s");
        }
        return running;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.close();
        throw new IllegalStateException("interrupted while starting worker " + id, e);
      } catch (RuntimeException e) {
        running.close();
        throw e;
      }
    }

    /** Kafka's end-to-end latency in process and by Kafka's own tool; the in-process p50 in ms is the reference. */
    double kafkaReference(int records) throws Exception {
      double[] inProcess = kafkaEndToEnd(records);
      out.printf("kafka end-to-end in process (1 KB, acks=all, read_committed, %d records): p50 %.2f ms, p99 %.2f ms%n",
          records, inProcess[0], inProcess[1]);
      out.flush();
      kafkaTool(records);
      return inProcess[0];
    }

    /** Runs {@code org.apache.kafka.tools.EndToEndLatency} in a child JVM on this class path against the same broker. */
    void kafkaTool(int records) throws IOException, InterruptedException {
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.EndToEndLatency",
          "--bootstrap-server", stack.bootstrapServers(), "--topic", "bench.e2e.tool",
          "--num-records", Integer.toString(records), "--producer-acks", "all", "--record-size", "1024")
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      List<String> figures = output.lines()
          .filter(line -> line.startsWith("Avg latency") || line.startsWith("Percentiles"))
          .map(String::trim).toList();
      if (exit != 0 || figures.isEmpty()) {
        String last = output.lines().filter(line -> !line.isBlank()).reduce((a, b) -> b).orElse("(no output)");
        out.printf("kafka EndToEndLatency tool: no figures (exit %d): %s%n", exit, last.trim());
      } else {
        out.printf("kafka EndToEndLatency tool (child JVM, 1 KB, acks=all, %d records): %s%n", records,
            String.join("; ", figures));
      }
      out.flush();
    }

    /** One record at a time, produced (acks=all) and consumed read_committed; p50 and p99 in ms. */
    double[] kafkaEndToEnd(int records) {
      String topic = "bench.e2e";
      try (Admin admin = stack.kafka().createAdmin()) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      } catch (Exception e) {
        throw new IllegalStateException("cannot create topic " + topic, e);
      }
      byte[] payload = new byte[1024];
      double[] millis = new double[records];
      int warmup = 50;
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
          stack.bootstrapServers(), "isolation.level", "read_committed", "fetch.max.wait.ms", 10),
          new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        for (int i = 0; i < records + warmup; i++) {
          long start = System.nanoTime();
          producer.send(new ProducerRecord<>(topic, payload));
          producer.flush();
          int got = 0;
          while (got == 0) {
            got = consumer.poll(Duration.ofMillis(1000)).count();
          }
          if (i >= warmup) {
            millis[i - warmup] = (System.nanoTime() - start) / 1e6;
          }
        }
      }
      return new double[] {percentile(millis, 50), percentile(millis, 99)};
    }

    String send() {
      String id = "bench-" + ids.incrementAndGet();
      GenerationRequest request = GenerationRequest.newBuilder().setRequestId(id).setGraph(scene)
          .setNumImages(1).setSteps(steps).setGuidanceScale(guidance).setSize(size)
          .setSubmittedAt(Instant.now()).build();
      sentAt.put(id, System.nanoTime());
      producer.send(new ProducerRecord<>(Topic.REQUESTS.topicName(), id.getBytes(StandardCharsets.UTF_8),
          serializer.serialize(Topic.REQUESTS.topicName(), request)));
      return id;
    }

    /** A completion and its end-to-end latency: request produced to result consumed. */
    private record Done(GenerationCompleted completed, double millis) {}

    /** Waits for {@code count} completions of requests sent by this bench. */
    List<Done> await(int count) {
      List<Done> done = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (done.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : results.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          GenerationResult result = deserializer.deserialize(record.topic(), record.value());
          Long sent = sentAt.remove(result.getRequestId());
          if (sent != null && result.getOutcome() instanceof GenerationCompleted completed) {
            done.add(new Done(completed, (now - sent) / 1e6));
          } else if (sent != null) {
            throw new IllegalStateException("bench request failed: " + result);
          }
        }
      }
      if (done.size() < count) {
        throw new IllegalStateException("only " + done.size() + " of " + count + " completions arrived in 30 min");
      }
      return done;
    }

    /** One request through the running worker, untimed: loads the model's kernels and the pipeline. */
    void warmUp() {
      send();
      producer.flush();
      await(1);
    }

    void latency(int requests, double kafkaP50) {
      warmUp();
      double[] queue = new double[requests];
      double[] encode = new double[requests];
      double[] sample = new double[requests];
      double[] storeMs = new double[requests];
      double[] total = new double[requests];
      double[] overhead = new double[requests];
      for (int i = 0; i < requests; i++) {
        send();
        producer.flush();
        Done done = await(1).get(0);
        var timings = done.completed().getTimings();
        queue[i] = timings.getQueuedMs();
        encode[i] = timings.getEncodeMs();
        sample[i] = timings.getSampleMs();
        storeMs[i] = timings.getStoreMs();
        total[i] = done.millis();
        overhead[i] = total[i] - encode[i] - sample[i];
      }
      out.printf("latency, %d requests one at a time (1 image), ms p50 / p99:%n", requests);
      out.printf("  queue %.1f / %.1f, encode %.1f / %.1f, sample %.1f / %.1f, store %.1f / %.1f, end-to-end %.1f / %.1f%n",
          percentile(queue, 50), percentile(queue, 99), percentile(encode, 50), percentile(encode, 99),
          percentile(sample, 50), percentile(sample, 99), percentile(storeMs, 50), percentile(storeMs, 99),
          percentile(total, 50), percentile(total, 99));
      out.printf("  pipeline overhead (end-to-end - encode - sample) p50 %.1f ms, p99 %.1f ms = %.1f x / %.1f x "
              + "Kafka's end-to-end p50%n", percentile(overhead, 50), percentile(overhead, 99),
          percentile(overhead, 50) / kafkaP50, percentile(overhead, 99) / kafkaP50);
      out.flush();
    }

    /**
     * Per round: batch 1, then batch 8 in each chosen UNet mode, each worker warmed up before its
     * timed burst. Throughputs are medians over the rounds; a ratio is the median of the rounds'
     * ratios (both settings measured minutes apart at most, under the same load).
     */
    void bursts(int requests, int rounds, BatchMode mode) {
      double[] batch1 = new double[rounds];
      double[] perImage = new double[rounds];
      double[] whole = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        String of = rounds > 1 ? " (round " + (round + 1) + " of " + rounds + ")" : "";
        batch1[round] = burst("bench-b1", 1, false, requests, "batch 1" + of);
        if (mode.measuresPerImage()) {
          perImage[round] = burst("bench-b8", 8, false, requests, "batch 8, UNet per image" + of);
        }
        if (mode.measuresWhole()) {
          whole[round] = burst("bench-b8-whole", 8, true, requests, "batch 8, UNet on the whole batch" + of);
        }
      }
      out.printf("throughput (requests/s, %d 1-image requests per burst%s): batch 1 %.2f", requests,
          rounds > 1 ? ", median of " + rounds + " rounds" : "", percentile(batch1, 50));
      if (mode.measuresPerImage()) {
        out.printf("; batch 8 UNet per image %.2f, ratio batch8/batch1 %.2f", percentile(perImage, 50),
            percentile(ratios(perImage, batch1), 50));
      }
      if (mode.measuresWhole()) {
        out.printf("; batch 8 UNet whole batch %.2f, ratio batch8/batch1 %.2f", percentile(whole, 50),
            percentile(ratios(whole, batch1), 50));
      }
      out.println();
      out.flush();
    }

    private static double[] ratios(double[] numerators, double[] denominators) {
      double[] ratios = new double[numerators.length];
      for (int i = 0; i < ratios.length; i++) {
        ratios[i] = numerators[i] / denominators[i];
      }
      return ratios;
    }

    private double burst(String workerId, int batch, boolean wholeBatchUNet, int requests, String label) {
      try (RunningWorker worker = worker(workerId, batch, wholeBatchUNet)) {
        warmUp();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
          send();
        }
        producer.flush();
        await(requests);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("burst, %s: %d requests in %.1f s%n", label, requests, seconds);
        out.flush();
        return requests / seconds;
      }
    }

    void soak(int requests) {
      long before = rssKb();
      out.printf("soak: RSS before %d MB%n", before / 1024);
      int chunk = Math.max(1, requests / 5);
      for (int done = 0; done < requests; done += chunk) {
        int now = Math.min(chunk, requests - done);
        for (int i = 0; i < now; i++) {
          send();
        }
        producer.flush();
        await(now);
        System.gc();
        out.printf("soak: after %d requests RSS %d MB%n", done + now, rssKb() / 1024);
        out.flush();
      }
    }

    @Override
    public void close() {
      producer.close();
      results.close();
      store.close();
      registry.close();
    }
  }

  /** This process's resident set in KB from /proc/self/status, -1 where there is none. */
  static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Nearest-rank percentile (the median of an even count is its lower middle value). */
  static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }
}
