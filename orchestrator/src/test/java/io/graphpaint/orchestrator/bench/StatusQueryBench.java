package io.graphpaint.orchestrator.bench;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.orchestrator.OrchestratorApp;
import io.graphpaint.orchestrator.RegistryAvroSerdes;
import io.graphpaint.orchestrator.config.OrchestratorConfig;
import io.graphpaint.orchestrator.status.StatusTopology;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.admin.TopicAdmin;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures, on an embedded stack with two orchestrator instances:
 * <ul>
 *   <li>submit-to-visible: from sending PUT /v1/generations/{id} to the other instance answering
 *       200 for it, against Kafka's own produce-to-consume latency (acks=all) in the same run;</li>
 *   <li>GET /v1/generations/{id} latency under 200 concurrent readers (half the answers forwarded
 *       to the owning instance), against GET /health under the same load.</li>
 * </ul>
 * {@code main(seconds)}; prints one line per figure.
 */
public final class StatusQueryBench {

  private static final String GRAPH = "{\"objects\": [\"red circle\", \"blue square\"], \"relationships\": [[0, \"left of\", 1]]}";

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int readers = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int submissions = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    run(seconds, readers, submissions);
  }

  public static void run(int seconds, int readers, int submissions) throws Exception {
    try (DevStack stack = DevStack.start(DevStack.Config.builder()
        .parts(DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY).build());
        SchemaRegistryClient registry = SchemaRegistryClient.create(stack.schemaRegistryUrl())) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
        new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()).ensureAllTopics();
        admin.createTopics(List.of(new NewTopic("bench.kafka-latency", 1, (short) 1))).all().get();
      }
      var stateDir = Files.createTempDirectory("orchestrator-bench-");
      List<OrchestratorApp> apps = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Map<String, Object> props = new HashMap<>();
        props.put(OrchestratorConfig.KAFKA_BOOTSTRAP_SERVERS, stack.bootstrapServers());
        props.put(OrchestratorConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
        props.put(OrchestratorConfig.HTTP_HOST, "127.0.0.1");
        props.put(OrchestratorConfig.HTTP_PORT, "0");
        props.put(OrchestratorConfig.HTTP_ADVERTISED_HOST, "127.0.0.1");
        props.put(OrchestratorConfig.STREAMS_STATE_DIR, stateDir.toString());
        apps.add(OrchestratorApp.start(OrchestratorConfig.load(props, Map.of()),
            new RegistryAvroSerdes(registry), Optional.empty()));
      }
      try {
        for (OrchestratorApp app : apps) {
          if (!app.awaitRunning(Duration.ofSeconds(120))) {
            throw new IllegalStateException("not RUNNING: " + app.streams().state());
          }
        }
        Thread.sleep(2000); // let the assignment settle across both instances
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        String[] bases = apps.stream().map(a -> "http://127.0.0.1:" + a.port()).toArray(String[]::new);

        long[] kafka = kafkaProduceToConsume(stack.bootstrapServers(), submissions);
        long[] visible = submitToVisible(http, bases, submissions);
        report("kafka produce->consume (acks=all, reference)", kafka);
        report("submit->visible on the other instance", visible);
        System.out.printf("ratio submit->visible / kafka produce->consume: p50 %.2f, p99 %.2f%n",
            (double) pct(visible, 50) / pct(kafka, 50), (double) pct(visible, 99) / pct(kafka, 99));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < submissions; i++) {
          ids.add("bench-" + i);
        }
        long forwarded = ids.stream().filter(id -> apps.get(0).port() != apps.get(0).streams()
            .queryMetadataForKey(StatusTopology.STATUS_STORE, id,
                org.apache.kafka.common.serialization.Serdes.String().serializer()).activeHost().port()).count();
        System.out.printf("keys owned by instance 1: %d of %d (the rest are forwarded when asked there)%n",
            ids.size() - forwarded, ids.size());
        long[] health = load(http, bases, readers, seconds, i -> "/health", "GET /health (reference)");
        long[] status = load(http, bases, readers, seconds,
            i -> "/v1/generations/" + ids.get(i % ids.size()), "GET /v1/generations/{id}");
        System.out.printf("ratio status / health under %d readers: p50 %.2f, p99 %.2f%n", readers,
            (double) pct(status, 50) / pct(health, 50), (double) pct(status, 99) / pct(health, 99));
      } finally {
        apps.forEach(OrchestratorApp::close);
      }
    }
  }

  private static long[] kafkaProduceToConsume(String bootstrap, int n) throws Exception {
    Map<String, Object> p = Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true, "linger.ms", 0);
    Map<String, Object> c = Map.of("bootstrap.servers", bootstrap, "group.id", "bench-latency",
        "auto.offset.reset", "latest", "fetch.max.wait.ms", 100);
    long[] out = new long[n];
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("bench.kafka-latency"));
      while (consumer.assignment().isEmpty()) {
        consumer.poll(Duration.ofMillis(100));
      }
      consumer.seekToEnd(consumer.assignment());
      consumer.position(consumer.assignment().iterator().next());
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>("bench.kafka-latency", "k", "v" + i)).get();
        ConsumerRecords<String, String> records;
        do {
          records = consumer.poll(Duration.ofMillis(500));
        } while (records.isEmpty());
        out[i] = System.nanoTime() - start;
      }
    }
    return out;
  }

  private static long[] submitToVisible(HttpClient http, String[] bases, int n) throws Exception {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      String id = "bench-" + i;
      long start = System.nanoTime();
      HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(bases[i % 2] + "/v1/generations/" + id))
          .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(GRAPH)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (accepted.statusCode() != 202) {
        throw new IllegalStateException("submit answered " + accepted.statusCode() + ": " + accepted.body());
      }
      HttpRequest read = HttpRequest.newBuilder(URI.create(bases[(i + 1) % 2] + "/v1/generations/" + id)).GET().build();
      while (http.send(read, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        Thread.onSpinWait();
      }
      out[i] = System.nanoTime() - start;
    }
    return out;
  }

  private static long[] load(HttpClient http, String[] bases, int readers, int seconds,
      java.util.function.IntFunction<String> path, String label) throws Exception {
    List<long[]> perThread = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    long[] counts = new long[readers];
    CountDownLatch done = new CountDownLatch(readers);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    for (int t = 0; t < readers; t++) {
      long[] samples = new long[200_000];
      perThread.add(samples);
      int thread = t;
      Thread worker = new Thread(() -> {
        try {
          int n = 0;
          while (System.nanoTime() < end && n < samples.length) {
            int i = ThreadLocalRandom.current().nextInt(1_000_000);
            HttpRequest request = HttpRequest.newBuilder(URI.create(bases[i % 2] + path.apply(i))).GET().build();
            long start = System.nanoTime();
            int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            samples[n++] = System.nanoTime() - start;
            if (code != 200) {
              errors.incrementAndGet();
            }
          }
          counts[thread] = n;
        } catch (Exception e) {
          errors.incrementAndGet();
        } finally {
          done.countDown();
        }
      });
      worker.start();
    }
    done.await();
    long total = Arrays.stream(counts).sum();
    long[] all = new long[(int) total];
    int k = 0;
    for (int t = 0; t < readers; t++) {
      System.arraycopy(perThread.get(t), 0, all, k, (int) counts[t]);
      k += counts[t];
    }
    report(label + " under " + readers + " readers, " + seconds + " s, " + (total / seconds)
        + " req/s, non-200: " + errors.get(), all);
    return all;
  }

  private static long pct(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static void report(String label, long[] nanos) {
    System.out.printf("%s: n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", label, nanos.length,
        pct(nanos, 50) / 1e6, pct(nanos, 99) / 1e6, pct(nanos, 100) / 1e6);
  }
}
