package io.graphpaint.model.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Writes a shapes dataset: {@code manifest.jsonl}, {@code vocab.json}, {@code dataset.json}
 * (config, held-out pairs, counts) and {@code images/<split>/<id>.png}, to a directory or any
 * {@link BlobSink}. Everything is a function of the config.
 */
public final class ShapesDatasets {

  public static final String VOCAB_FILE = "vocab.json";
  public static final String DATASET_FILE = "dataset.json";
  public static final String FORMAT = "SYNTHETIC_SHAPES";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int CHUNK = 256;

  /**
   * What was written and how long it took: wall-clock seconds, and the CPU seconds this process
   * spent (the fair figure on a shared machine).
   */
  public record Summary(int samples, List<Integer> perSplit, double seconds, double cpuSeconds, long pngBytes) {
    public double imagesPerSecond() {
      return samples / Math.max(seconds, 1e-9);
    }

    public double imagesPerCpuSecond() {
      return samples / Math.max(cpuSeconds, 1e-9);
    }
  }

  /** CPU time of this process so far, in seconds (-1 when the JVM does not report it). */
  static double processCpuSeconds() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return -1;
  }

  private ShapesDatasets() {}

  public static Summary make(ShapesConfig config, Path outDir) throws IOException {
    return make(config, new DirectoryBlobStore(outDir), 1);
  }

  /**
   * Generates every split. With {@code threads > 1} scenes are rendered in parallel; the output
   * is the same bytes either way.
   */
  public static Summary make(ShapesConfig config, BlobSink sink, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    long start = System.nanoTime();
    double cpuStart = processCpuSeconds();
    ShapesGenerator generator = new ShapesGenerator(config);
    List<ManifestEntry> entries = new ArrayList<>();
    List<Integer> perSplit = new ArrayList<>();
    long pngBytes = 0;
    java.util.concurrent.ForkJoinPool pool = threads > 1 ? new java.util.concurrent.ForkJoinPool(threads) : null;
    try {
      for (ShapesSplit split : ShapesSplit.values()) {
        int count = config.count(split);
        perSplit.add(count);
        for (int from = 0; from < count; from += CHUNK) {
          int to = Math.min(count, from + CHUNK);
          List<Rendered> chunk = render(generator, split, from, to, pool);
          for (Rendered r : chunk) {
            sink.put(r.entry.image(), r.png);
            pngBytes += r.png.length;
            entries.add(r.entry);
          }
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdown();
      }
    }
    sink.put(Manifest.FILE_NAME, Manifest.write(entries));
    sink.put(VOCAB_FILE, ShapesWorld.vocabulary().toJson());
    ObjectNode info = JSON.createObjectNode();
    info.put("format", FORMAT);
    info.set("config", JSON.valueToTree(config));
    info.set("heldOutPairs", JSON.valueToTree(generator.heldOutPairs()));
    info.put("samples", entries.size());
    sink.put(DATASET_FILE, JSON.writeValueAsBytes(info));
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Summary(entries.size(), perSplit, seconds, processCpuSeconds() - cpuStart, pngBytes);
  }

  /** What {@code dataset.json} records: the config that regenerates the dataset and its held-out pairs. */
  public record Info(String format, ShapesConfig config, List<List<String>> heldOutPairs, int samples) {}

  /** Reads {@code dataset.json} of a shapes dataset. */
  public static Info readInfo(BlobSource source) throws IOException {
    var root = JSON.readTree(source.get(DATASET_FILE));
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException(DATASET_FILE + " describes format '" + root.path("format").asText()
          + "', expected " + FORMAT);
    }
    ShapesConfig config = JSON.treeToValue(root.get("config"), ShapesConfig.class);
    List<List<String>> pairs = JSON.convertValue(root.get("heldOutPairs"),
        JSON.getTypeFactory().constructCollectionType(List.class,
            JSON.getTypeFactory().constructCollectionType(List.class, String.class)));
    return new Info(FORMAT, config, pairs, root.path("samples").asInt());
  }

  private record Rendered(ManifestEntry entry, byte[] png) {}

  private static List<Rendered> render(
      ShapesGenerator generator, ShapesSplit split, int from, int to, java.util.concurrent.ForkJoinPool pool) {
    IntStream indices = IntStream.range(from, to);
    if (pool == null) {
      return indices.mapToObj(i -> renderOne(generator, split, i)).toList();
    }
    try {
      return pool.submit(() -> indices.parallel().mapToObj(i -> renderOne(generator, split, i)).toList()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while rendering", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("rendering failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static Rendered renderOne(ShapesGenerator generator, ShapesSplit split, int index) {
    ShapesScene scene = generator.scene(split, index);
    String id = ShapesGenerator.sampleId(split, index);
    BufferedImage image = ShapesWorld.render(scene);
    ManifestEntry entry = new ManifestEntry(id, split.id(), scene.graph(), scene.caption(),
        "images/" + split.id() + "/" + id + ".png", scene.normalizedBoxes(), scene.canvasSize(),
        scene.canvasSize());
    return new Rendered(entry, ShapesWorld.png(image));
  }

  /**
   * {@code ShapesDatasets <outDir> [--seed N] [--size 32|64] [--train N] [--val N] [--test N]
   * [--test-unseen N] [--objects MIN-MAX] [--inside P] [--threads N]}.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: ShapesDatasets <outDir> [--seed N] [--size 32|64] [--train N] [--val N] "
          + "[--test N] [--test-unseen N] [--objects MIN-MAX] [--inside P] [--threads N]");
      System.exit(2);
    }
    long seed = 1;
    int size = 32;
    int train = 20_000;
    int val = 1_000;
    int test = 2_000;
    int unseen = 2_000;
    int threads = 1;
    String objects = null;
    Double inside = null;
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(v);
        case "--size" -> size = Integer.parseInt(v);
        case "--train" -> train = Integer.parseInt(v);
        case "--val" -> val = Integer.parseInt(v);
        case "--test" -> test = Integer.parseInt(v);
        case "--test-unseen" -> unseen = Integer.parseInt(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--objects" -> objects = v;
        case "--inside" -> inside = Double.parseDouble(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; known: --seed --size --train --val --test --test-unseen --objects --inside --threads");
      }
    }
    ShapesConfig.Builder builder = ShapesConfig.builder(seed, size).optCounts(train, val, test, unseen);
    if (objects != null) {
      String[] range = objects.split("-");
      if (range.length != 2) {
        throw new IllegalArgumentException("--objects takes MIN-MAX, e.g. 2-6, got " + objects);
      }
      builder.optObjects(Integer.parseInt(range[0]), Integer.parseInt(range[1]));
    }
    if (inside != null) {
      builder.optInsideProbability(inside);
    }
    ShapesConfig config = builder.build();
    Summary summary = make(config, new DirectoryBlobStore(Path.of(args[0])), threads);
    System.out.printf("wrote %d samples (train/val/test/test_unseen = %s) in %.2f s wall, %.2f s CPU: "
            + "%.0f images/s wall, %.0f images per CPU second, %.1f MB of PNG%n",
        summary.samples(), summary.perSplit(), summary.seconds(), summary.cpuSeconds(),
        summary.imagesPerSecond(), summary.imagesPerCpuSecond(), summary.pngBytes() / 1e6);
  }
}
