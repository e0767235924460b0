package io.graphpaint.schemas.serde;

import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encode and decode cost of the request serde per record: {@link GenerationRequest}s with 5-object,
 * 4-relationship graphs, after warm-up, best and median of several timed rounds on one thread.
 * The registry is called only on the first record (ids and schemas are cached), so it does not
 * enter the figures.
 *
 * <p>{@code java ... io.graphpaint.schemas.serde.SerdeBenchmark <schema.registry.url> [records per round]}
 */
public final class SerdeBenchmark {

  /** Per-record figures of one run. */
  public record Result(double encodeMicros, double decodeMicros, double encodeMedianMicros,
      double decodeMedianMicros, double encodeCpuMicros, double decodeCpuMicros, int bytesPerRecord,
      long registryCalls, int recordsPerRound, int rounds) {
    @Override
    public String toString() {
      return String.format("encode %.3f us/record wall best (median %.3f, CPU best %.3f), "
              + "decode %.3f us/record wall best (median %.3f, CPU best %.3f), "
              + "%d bytes/record, %d registry calls, %d rounds of %d records",
          encodeMicros, encodeMedianMicros, encodeCpuMicros, decodeMicros, decodeMedianMicros, decodeCpuMicros,
          bytesPerRecord, registryCalls, rounds, recordsPerRound);
    }
  }

  private SerdeBenchmark() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: SerdeBenchmark <schema.registry.url> [records per round, default 200000]");
      System.exit(2);
    }
    int records = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    try (SchemaRegistryClient registry = SchemaRegistryClient.create(args[0])) {
      System.out.println(run(registry, records, 7));
    }
  }

  /** Warms up with 2 rounds, then times {@code rounds} rounds of {@code recordsPerRound} encodes and decodes. */
  public static Result run(SchemaRegistryClient registry, int recordsPerRound, int rounds) {
    String topic = Topic.REQUESTS.topicName();
    List<GenerationRequest> requests = new ArrayList<>();
    for (int n = 0; n < 1024; n++) {
      requests.add(request(n));
    }
    try (AvroSerializer<GenerationRequest> serializer = new AvroSerializer<>(registry, Map.of(), false);
        AvroDeserializer<GenerationRequest> deserializer = new AvroDeserializer<>(registry, GenerationRequest.class)) {
      byte[][] encoded = new byte[requests.size()][];
      for (int i = 0; i < requests.size(); i++) {
        encoded[i] = serializer.serialize(topic, requests.get(i));
        if (!deserializer.deserialize(topic, encoded[i]).equals(requests.get(i))) {
          throw new IllegalStateException("round trip changed record " + i);
        }
      }
      long sink = 0;
      double[] encodeNanos = new double[rounds];
      double[] decodeNanos = new double[rounds];
      double[] encodeCpuNanos = new double[rounds];
      double[] decodeCpuNanos = new double[rounds];
      // CPU time of this thread: less disturbed than wall time when other processes share the cores
      java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      for (int round = -2; round < rounds; round++) {
        long start = System.nanoTime();
        long startCpu = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < recordsPerRound; i++) {
          sink += serializer.serialize(topic, requests.get(i & 1023)).length;
        }
        long encodedAt = System.nanoTime();
        long encodedCpu = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < recordsPerRound; i++) {
          sink += deserializer.deserialize(topic, encoded[i & 1023]).getNumImages();
        }
        long decodedAt = System.nanoTime();
        long decodedCpu = threads.getCurrentThreadCpuTime();
        if (round >= 0) {
          encodeNanos[round] = (encodedAt - start) / (double) recordsPerRound;
          decodeNanos[round] = (decodedAt - encodedAt) / (double) recordsPerRound;
          encodeCpuNanos[round] = (encodedCpu - startCpu) / (double) recordsPerRound;
          decodeCpuNanos[round] = (decodedCpu - encodedCpu) / (double) recordsPerRound;
        }
      }
      if (sink == 42) {
        System.out.println(); // keeps the loops from being optimised away
      }
      int bytes = (int) Arrays.stream(encoded).mapToInt(b -> b.length).average().orElse(0);
      return new Result(min(encodeNanos) / 1000, min(decodeNanos) / 1000, median(encodeNanos) / 1000,
          median(decodeNanos) / 1000, min(encodeCpuNanos) / 1000, min(decodeCpuNanos) / 1000, bytes,
          registry.httpCalls(), recordsPerRound, rounds);
    }
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** A request with a 5-object, 4-relationship graph and every optional field set. */
  static GenerationRequest request(int n) {
    String[] colours = {"red", "green", "blue", "yellow", "purple"};
    String[] shapes = {"circle", "square", "triangle"};
    String[] predicates = {"left of", "right of", "above", "below", "inside", "surrounding"};
    List<SceneObject> objects = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      objects.add(SceneObject.newBuilder().setLabel(colours[(n + i) % 5] + " " + shapes[(n + 2 * i) % 3])
          .setAttributes(List.of()).build());
    }
    List<Relationship> relationships = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      relationships.add(Relationship.newBuilder().setSubject(i).setPredicate(predicates[(n + i) % 6]).setObject(i + 1).build());
    }
    return GenerationRequest.newBuilder()
        .setRequestId("bench-" + n)
        .setGraph(SceneGraph.newBuilder().setObjects(objects).setRelationships(relationships).build())
        .setNumImages(1 + n % 8).setSeed((long) n).setSteps(50).setGuidanceScale(1.5f).setSize(32)
        .setModelVersion("v1").setSubmittedAt(Instant.ofEpochMilli(1_764_000_000_000L + n))
        .setTags(Map.of("user", "bench"))
        .build();
  }
}
