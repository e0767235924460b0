package io.graphpaint.model.graph;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Forward latency of the graph encoder: B random sg2im graphs of N objects (each with N - 1 random
 * relations plus the {@code __in_image__} edges) through an encoder of the given size.
 *
 * <p>On a CPU shared with other busy processes, PyTorch's intra-op thread pool spins against them:
 * compare runs with {@code -Dai.djl.pytorch.num_threads=1} (several times faster there).
 */
public final class GraphEncoderBenchmark {

  /** Median and best forward time over {@code iterations} runs after warm-up. */
  public record Result(GraphEncoderConfig config, int graphs, int objectsPerGraph, double medianMs, double bestMs) {
    @Override
    public String toString() {
      return String.format(
          "graph encoder D=%d H=%d convolutions=%d, %d graphs x %d objects: forward median %.2f ms, best %.2f ms",
          config.embedDim(), config.hiddenDim(), config.graphNetLayers() + 1, graphs, objectsPerGraph,
          medianMs, bestMs);
    }
  }

  private GraphEncoderBenchmark() {}

  public static Result run(GraphEncoderConfig config, int graphs, int objectsPerGraph, int iterations, long seed) {
    Random random = new Random(seed);
    List<Long> objs = new ArrayList<>();
    List<Long> objToImg = new ArrayList<>();
    List<long[]> triples = new ArrayList<>();
    for (int g = 0; g < graphs; g++) {
      int base = objs.size();
      for (int i = 0; i < objectsPerGraph; i++) {
        objs.add((long) random.nextInt(config.numObjectClasses()));
        objToImg.add((long) g);
      }
      int image = objs.size();
      objs.add((long) config.imageNodeId());
      objToImg.add((long) g);
      for (int i = 0; i + 1 < objectsPerGraph; i++) {
        triples.add(new long[] {base + i, 1 + random.nextInt(config.numPredicates() - 1), base + i + 1, g});
      }
      for (int i = 0; i < objectsPerGraph; i++) {
        triples.add(new long[] {base + i, 0, image, g});
      }
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed((int) seed);
      GraphEncoder encoder = new GraphEncoder(config);
      encoder.initializeParameters(manager);
      ParameterStore ps = new ParameterStore(manager, false);
      long[] flatTriples = new long[triples.size() * 3];
      long[] tripleToImg = new long[triples.size()];
      for (int t = 0; t < triples.size(); t++) {
        System.arraycopy(triples.get(t), 0, flatTriples, 3 * t, 3);
        tripleToImg[t] = triples.get(t)[3];
      }
      long[] objArray = objs.stream().mapToLong(Long::longValue).toArray();
      long[] objToImgArray = objToImg.stream().mapToLong(Long::longValue).toArray();
      double[] times = new double[iterations];
      for (int i = -3; i < iterations; i++) {
        try (NDManager step = manager.newSubManager()) {
          long start = System.nanoTime();
          GraphBatch batch =
              new GraphBatch(
                  step.create(objArray), step.create(flatTriples, new Shape(triples.size(), 3)),
                  step.create(objToImgArray), step.create(tripleToImg), graphs);
          GraphEncoding out = encoder.encode(ps, batch, false);
          out.global().toFloatArray(); // wait for the result
          if (i >= 0) {
            times[i] = (System.nanoTime() - start) / 1e6;
          }
        }
      }
      Arrays.sort(times);
      return new Result(config, graphs, objectsPerGraph, times[iterations / 2], times[0]);
    }
  }

  /** Paper size (512-d, 6 convolutions, Visual Genome's 179 objects / 46 predicates), 16 graphs of 5 objects. */
  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    System.out.println(run(GraphEncoderConfig.paper(179, 46), 16, 5, iterations, 1));
  }
}
