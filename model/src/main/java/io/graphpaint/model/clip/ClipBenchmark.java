package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Forward latency of CLIP's text and image towers (with projections) on a batch of random token ids
 * (full length) and random pixels. See {@code GraphEncoderBenchmark} on thread settings.
 */
public final class ClipBenchmark {

  /** Median and best times in milliseconds after warm-up. */
  public record Result(int batch, double textMedianMs, double textBestMs, double visionMedianMs, double visionBestMs) {
    @Override
    public String toString() {
      return String.format(
          "CLIP batch %d: text tower median %.2f ms (best %.2f), image tower median %.2f ms (best %.2f),"
              + " both median %.2f ms",
          batch, textMedianMs, textBestMs, visionMedianMs, visionBestMs, textMedianMs + visionMedianMs);
    }
  }

  private ClipBenchmark() {}

  public static Result run(ClipModel model, int batch, int iterations, long seed) {
    ClipConfig config = model.config();
    int length = config.text().maxPositions();
    Random random = new Random(seed);
    long[] ids = new long[batch * length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(config.text().vocabSize());
    }
    int size = config.vision().imageSize();
    double[] text = new double[iterations];
    double[] vision = new double[iterations];
    NDManager manager = NDManager.newBaseManager();
    try (manager) {
      ParameterStore ps = new ParameterStore(manager, false);
      for (int i = -3; i < iterations; i++) {
        try (NDManager step = manager.newSubManager()) {
          NDArray inputIds = step.create(ids, new Shape(batch, length));
          NDArray mask = step.ones(new Shape(batch, length), ai.djl.ndarray.types.DataType.INT64);
          NDArray pixels = step.randomNormal(new Shape(batch, config.vision().numChannels(), size, size));
          long t0 = System.nanoTime();
          model.projectText(ps, model.encodeText(ps, inputIds, mask, false).pooled(), false).toFloatArray();
          long t1 = System.nanoTime();
          model.projectImage(ps, model.encodeImage(ps, pixels, false).pooled(), false).toFloatArray();
          long t2 = System.nanoTime();
          if (i >= 0) {
            text[i] = (t1 - t0) / 1e6;
            vision[i] = (t2 - t1) / 1e6;
          }
        }
      }
    }
    Arrays.sort(text);
    Arrays.sort(vision);
    return new Result(batch, text[iterations / 2], text[0], vision[iterations / 2], vision[0]);
  }

  /** {@code ClipBenchmark <hugging-face-clip-dir> [batch] [iterations]}. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ClipBenchmark <clip model directory> [batch=16] [iterations=30]");
      System.exit(2);
    }
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    try (NDManager manager = NDManager.newBaseManager()) {
      ClipModel model = ClipModel.load(Path.of(args[0]), manager);
      System.out.println(run(model, batch, iterations, 1));
    }
  }
}
