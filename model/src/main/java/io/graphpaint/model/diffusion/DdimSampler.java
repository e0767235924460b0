package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * DDIM sampling (Song et al. 2021) with classifier-free guidance (Ho and Salimans 2022) over a
 * {@link ConditionalUNet}.
 *
 * <p>With guidance, each step runs the conditional and the unconditional branch in one doubled
 * batch {@code [x; x]} with {@code [cond; uncond]} and combines {@code eps = eps_u + w (eps_c -
 * eps_u)}. Each image's noise comes from its own {@link Random} seeded with its seed (Java's
 * specified Gaussian generator), so a result is bit-identical run to run and independent of the
 * other images in the batch (as far as the engine's kernels are batch-invariant, which the tests
 * check). Every step runs in its own sub-manager, so native memory stays flat over any number of
 * steps and calls.
 */
public final class DdimSampler {

  private final ConditionalUNet unet;
  private final ParameterStore parameterStore;
  private final DdimScheduler scheduler;
  private boolean batchInvariant = true;

  /**
   * @param unet an initialized UNet
   * @param parameterStore the store the UNet reads its parameters from (inference)
   * @param scheduler timesteps and updates
   */
  public DdimSampler(ConditionalUNet unet, ParameterStore parameterStore, DdimScheduler scheduler) {
    this.unet = Objects.requireNonNull(unet, "unet must not be null");
    this.parameterStore = Objects.requireNonNull(parameterStore, "parameterStore must not be null");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
  }

  public DdimScheduler scheduler() {
    return scheduler;
  }

  /**
   * Whether each image is denoised on its own (default true: results independent of the batch;
   * false: one UNet call for the whole batch, faster).
   */
  public DdimSampler withBatchInvariance(boolean invariant) {
    this.batchInvariant = invariant;
    return this;
  }

  public boolean batchInvariant() {
    return batchInvariant;
  }

  /**
   * Samples images.
   *
   * @param request what to sample
   * @param outputManager the manager that will own the result
   * @param listener told after each step
   * @return images in [-1, 1], (B, C, H, W) float32, attached to {@code outputManager}
   */
  public NDArray sample(
      SamplingRequest request, NDManager outputManager, SamplingListener listener) {
    Objects.requireNonNull(request, "request must not be null");
    Objects.requireNonNull(outputManager, "outputManager must not be null");
    SamplingListener progress = listener == null ? SamplingListener.NONE : listener;
    UNetConfig config = unet.config();
    int batch = request.batchSize();
    int channels = config.inChannels();
    int height = request.height();
    int width = request.width();
    int pixels = channels * height * width;
    Shape imageShape = new Shape(batch, channels, height, width);

    long[] seeds = request.seeds();
    Random[] generators = new Random[batch];
    for (int i = 0; i < batch; i++) {
      generators[i] = new Random(seeds[i]);
    }
    int[] timesteps = scheduler.timesteps(request.steps());
    boolean guided = request.guided();

    try (NDManager work = outputManager.newSubManager()) {
      NDArray x = work.create(gaussian(generators, pixels), imageShape);
      // Condition of the (possibly doubled) batch, built once: (B or 2B, L, C_cond)
      NDList condition = conditionBatch(request, work, guided);
      // Per image: rows i (and B + i for the unconditional half) of the condition batch.
      NDList[] perImage = batchInvariant && batch > 1 ? splitPerImage(condition, batch, guided) : null;
      for (int i = 0; i < timesteps.length; i++) {
        int t = timesteps[i];
        DdimStepCoefficients coefficients =
            scheduler.coefficients(t, request.steps(), request.eta());
        // Drawn outside the step scope, in image order, only when the step adds noise.
        float[] stepNoise = coefficients.sigma() > 0 ? gaussian(generators, pixels) : null;
        try (NDManager stepScope = work.newSubManager()) {
          x.attach(stepScope);
          NDArray epsilon;
          if (perImage == null) {
            epsilon = predictGuidedNoise(x, t, condition, batch, request, guided, stepScope);
          } else {
            NDList parts = new NDList(batch);
            for (int image = 0; image < batch; image++) {
              NDArray xi = x.get(image + ":" + (image + 1));
              parts.add(predictGuidedNoise(xi, t, perImage[image], 1, request, guided, stepScope));
            }
            epsilon = NDArrays.concat(parts, 0);
          }
          NDArray noise = stepNoise == null ? null : stepScope.create(stepNoise, imageShape);
          NDArray next = scheduler.step(epsilon, x, coefficients, noise);
          next.attach(work);
          x = next;
        }
        progress.onStep(i + 1, timesteps.length, t);
      }
      NDArray images = x.clip(-1f, 1f);
      images.attach(outputManager);
      return images;
    }
  }

  /** (B, C, H, W) eps, guided when requested. */
  private NDArray predictGuidedNoise(
      NDArray x,
      int timestep,
      NDList condition,
      int batch,
      SamplingRequest request,
      boolean guided,
      NDManager scope) {
    NDArray input = guided ? x.concat(x, 0) : x;
    int rows = guided ? 2 * batch : batch;
    int[] t = new int[rows];
    Arrays.fill(t, timestep);
    NDArray timesteps = scope.create(t);
    NDArray epsilon =
        unet.predictNoise(
            parameterStore, input, timesteps, condition.get(0), condition.get(1), false);
    if (!guided) {
      return epsilon;
    }
    NDList halves = epsilon.split(2, 0);
    NDArray conditional = halves.get(0);
    NDArray unconditional = halves.get(1);
    // eps_u + w (eps_c - eps_u)
    return unconditional.add(conditional.sub(unconditional).mul(request.guidanceScale()));
  }

  /**
   * [condition, mask] for the UNet: the request's condition, or [cond; uncond] for guidance with
   * the shorter sequence zero-padded and masked so both halves share one length.
   */
  private static NDList conditionBatch(SamplingRequest request, NDManager work, boolean guided) {
    NDArray condition = request.condition();
    NDArray mask = maskOrOnes(request.conditionMask(), condition, work);
    if (!guided) {
      NDArray ownCondition = condition.duplicate();
      ownCondition.attach(work);
      return new NDList(ownCondition, mask);
    }
    NDArray unconditional = request.unconditional();
    NDArray unconditionalMask = maskOrOnes(request.unconditionalMask(), unconditional, work);
    long length = Math.max(condition.getShape().get(1), unconditional.getShape().get(1));
    NDList cond = padTo(condition, mask, length, work);
    NDList uncond = padTo(unconditional, unconditionalMask, length, work);
    NDArray both = cond.get(0).concat(uncond.get(0), 0);
    NDArray bothMasks = cond.get(1).concat(uncond.get(1), 0);
    return new NDList(both, bothMasks);
  }

  private static NDList[] splitPerImage(NDList condition, int batch, boolean guided) {
    NDList[] out = new NDList[batch];
    for (int i = 0; i < batch; i++) {
      NDList rows = new NDList(2);
      for (NDArray array : condition) {
        NDArray row = array.get(i + ":" + (i + 1));
        if (guided) {
          row = row.concat(array.get((batch + i) + ":" + (batch + i + 1)), 0);
        }
        rows.add(row);
      }
      out[i] = rows;
    }
    return out;
  }

  private static NDArray maskOrOnes(NDArray mask, NDArray sequence, NDManager work) {
    Shape shape = sequence.getShape();
    if (mask == null) {
      return work.ones(new Shape(shape.get(0), shape.get(1)));
    }
    NDArray copy = mask.toType(DataType.FLOAT32, true);
    copy.attach(work);
    return copy;
  }

  private static NDList padTo(NDArray sequence, NDArray mask, long length, NDManager work) {
    Shape shape = sequence.getShape();
    NDArray own = sequence.duplicate();
    own.attach(work);
    long missing = length - shape.get(1);
    if (missing == 0) {
      return new NDList(own, mask);
    }
    NDArray paddedSequence =
        own.concat(work.zeros(new Shape(shape.get(0), missing, shape.get(2))), 1);
    NDArray paddedMask = mask.concat(work.zeros(new Shape(shape.get(0), missing)), 1);
    return new NDList(paddedSequence, paddedMask);
  }

  /** pixels Gaussian values per image, image i from generators[i], concatenated in order. */
  static float[] gaussian(Random[] generators, int pixels) {
    float[] out = new float[generators.length * pixels];
    for (int i = 0; i < generators.length; i++) {
      Random generator = generators[i];
      int offset = i * pixels;
      for (int p = 0; p < pixels; p++) {
        out[offset + p] = (float) generator.nextGaussian();
      }
    }
    return out;
  }
}
