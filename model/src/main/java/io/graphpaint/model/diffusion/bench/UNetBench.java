package io.graphpaint.model.diffusion.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.graphpaint.model.diffusion.ConditionalUNet;
import io.graphpaint.model.diffusion.DdimSampler;
import io.graphpaint.model.diffusion.DdimScheduler;
import io.graphpaint.model.diffusion.DdpmObjective;
import io.graphpaint.model.diffusion.DenoiserTrainer;
import io.graphpaint.model.diffusion.NoiseSchedule;
import io.graphpaint.model.diffusion.NoiseScheduleConfig;
import io.graphpaint.model.diffusion.SamplingListener;
import io.graphpaint.model.diffusion.SamplingRequest;
import io.graphpaint.model.diffusion.UNetConfig;
import io.graphpaint.model.diffusion.UNetFlops;
import io.graphpaint.model.nn.StateDict;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput of the default UNet on this machine, every figure next to its reference measured in
 * the same run: training ms/step at batch 32 (32x32), DDIM sampling images/s at 50 steps with
 * guidance (batch 1 and 8), and the forward pass's achieved GFLOP/s as a fraction of a 1024^3
 * float32 matmul.
 *
 * <p>Arguments (all optional, {@code key=value}): {@code trainSteps} (10), {@code batch} (32),
 * {@code size} (32), {@code samplingSteps} (50), {@code conditionDim} (64), {@code
 * conditionLength} (8), {@code trials} (3), {@code threads} (the engine's intra-op threads; by
 * default the engine's own choice, on a shared machine 1 avoids spinning on descheduled threads).
 */
public final class UNetBench {

  private UNetBench() {}

  public static void main(String[] args) {
    int trainSteps = intArg(args, "trainSteps", 10);
    int batch = intArg(args, "batch", 32);
    int size = intArg(args, "size", 32);
    int samplingSteps = intArg(args, "samplingSteps", 50);
    int conditionDim = intArg(args, "conditionDim", 64);
    int conditionLength = intArg(args, "conditionLength", 8);
    int trials = intArg(args, "trials", 3);
    int threads = intArg(args, "threads", 0);
    if (threads > 0) {
      // read by the PyTorch engine when it starts
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
    }
    Engine engine = Engine.getInstance();
    engine.setRandomSeed(1);
    System.out.printf(
        Locale.ROOT, "engine %s %s, %d processors%n", engine.getEngineName(), engine.getVersion(),
        Runtime.getRuntime().availableProcessors());

    try (NDManager manager = NDManager.newBaseManager()) {
      double peak = matmulPeakGflops(manager, trials);
      System.out.printf(Locale.ROOT, "matmul 1024^3 peak: %.1f GFLOP/s (best of %d)%n", peak, trials);

      ConditionalUNet unet =
          ConditionalUNet.builder().setConditionDim(conditionDim).optSampleSize(size).build();
      unet.initialize(manager);
      UNetConfig config = unet.config();
      System.out.printf(
          Locale.ROOT, "UNet %s, %d parameters%n", config, StateDict.countParameters(unet));
      ParameterStore ps = new ParameterStore(manager, false);
      double flopsPerImage = UNetFlops.perImage(config, size, size, conditionLength);

      // forward throughput, batch 8 (inference, no gradient)
      int forwardBatch = 8;
      double bestForward = Double.MAX_VALUE;
      for (int trial = 0; trial < trials + 1; trial++) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray x = scope.randomNormal(new Shape(forwardBatch, 3, size, size));
          NDArray t = scope.create(new int[forwardBatch]);
          NDArray cond = scope.randomNormal(new Shape(forwardBatch, conditionLength, conditionDim));
          long start = System.nanoTime();
          unet.predictNoise(ps, x, t, cond, null, false).toFloatArray();
          double seconds = (System.nanoTime() - start) / 1e9;
          if (trial > 0) {
            bestForward = Math.min(bestForward, seconds);
          }
        }
      }
      double achieved = flopsPerImage * forwardBatch / bestForward / 1e9;
      System.out.printf(
          Locale.ROOT,
          "forward batch %d: %.1f ms, %.3f GFLOP/image, %.1f GFLOP/s = %.3f of matmul peak%n",
          forwardBatch, bestForward * 1e3, flopsPerImage / 1e9, achieved, achieved / peak);

      // training
      DdpmObjective objective = new DdpmObjective(new NoiseSchedule(NoiseScheduleConfig.defaults()));
      DenoiserTrainer trainer =
          new DenoiserTrainer(
              unet, objective, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-4f)).build(),
              manager, 1.0);
      Random random = new Random(3);
      try (NDManager data = manager.newSubManager()) {
        NDArray x0 = data.randomUniform(-1f, 1f, new Shape(batch, 3, size, size));
        NDArray cond = data.randomNormal(new Shape(batch, conditionLength, conditionDim));
        for (int i = 0; i < 2; i++) {
          trainer.step(x0, cond, null, random);
        }
        long start = System.nanoTime();
        float loss = 0;
        for (int i = 0; i < trainSteps; i++) {
          loss = trainer.step(x0, cond, null, random).loss();
        }
        double msPerStep = (System.nanoTime() - start) / 1e6 / trainSteps;
        System.out.printf(
            Locale.ROOT,
            "train batch %d at %dx%d: %.0f ms/step, %.1f samples/s (last loss %.4f, %d skipped)%n",
            batch, size, size, msPerStep, batch * 1000 / msPerStep, loss,
            trainer.guard().skippedSteps());
      }

      // sampling with guidance (doubled batch); batch 8 both image by image (batch-invariant,
      // the default) and as one UNet call per step
      DdimSampler sampler =
          new DdimSampler(unet, ps, new DdimScheduler(NoiseScheduleConfig.defaults()));
      double perImageBatch1 = 0;
      int[][] runs = {{1, 1}, {8, 1}, {8, 0}};
      for (int[] run : runs) {
        int images = run[0];
        boolean invariant = run[1] == 1;
        sampler.withBatchInvariance(invariant);
        double best = Double.MAX_VALUE;
        for (int trial = 0; trial < Math.max(1, trials - 1); trial++) {
          try (NDManager scope = manager.newSubManager()) {
            long[] seeds = new long[images];
            for (int i = 0; i < images; i++) {
              seeds[i] = 100 + i;
            }
            NDArray cond = scope.randomNormal(new Shape(images, conditionLength, conditionDim));
            NDArray uncond = scope.zeros(new Shape(images, 1, conditionDim));
            SamplingRequest request =
                SamplingRequest.guided(seeds, cond, null, uncond, null, 1.5f, samplingSteps, size);
            long start = System.nanoTime();
            sampler.sample(request, scope, SamplingListener.NONE).toFloatArray();
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
          }
        }
        double imagesPerSecond = images / best;
        if (images == 1) {
          perImageBatch1 = imagesPerSecond;
        }
        System.out.printf(
            Locale.ROOT,
            "sample %d image(s)%s, %d DDIM steps, guided: %.2f s, %.3f images/s%s%n",
            images,
            images == 1 ? "" : invariant ? " image by image" : " as one batch",
            samplingSteps, best, imagesPerSecond,
            images == 1 ? "" : String.format(Locale.ROOT, " (%.2fx batch 1)", imagesPerSecond / perImageBatch1));
      }
    }
  }

  private static double matmulPeakGflops(NDManager manager, int trials) {
    double best = Double.MAX_VALUE;
    try (NDManager scope = manager.newSubManager()) {
      NDArray a = scope.randomNormal(new Shape(1024, 1024));
      NDArray b = scope.randomNormal(new Shape(1024, 1024));
      a.matMul(b).close(); // warm-up
      for (int i = 0; i < trials; i++) {
        long start = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.getFloat(0, 0);
        }
        best = Math.min(best, (System.nanoTime() - start) / 1e9);
      }
    }
    return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
  }

  private static int intArg(String[] args, String key, int fallback) {
    for (String arg : args) {
      if (arg.startsWith(key + "=")) {
        int value = Integer.parseInt(arg.substring(key.length() + 1));
        if (value < 1) {
          throw new IllegalArgumentException(key + " must be >= 1, got " + value);
        }
        return value;
      }
    }
    return fallback;
  }
}
