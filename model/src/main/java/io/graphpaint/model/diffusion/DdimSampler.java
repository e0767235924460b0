package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * DDIM sampling (Song et al. 2021) with classifier-free guidance (Ho and Salimans 2022) over a
 * {@link ConditionalUNet}.
 *
 * <p>With guidance, each step runs the conditional and the unconditional branch in one doubled
 * batch {@code [x; x]} with {@code [cond; uncond]} and combines {@code eps = eps_u + w (eps_c -
 * eps_u)}. A request with a contrast condition (e.g. the graph with its relationships reversed)
 * runs it as one more branch of the same batch and adds {@code s (eps_c - eps_contrast)}: guidance
 * away from the contrast, toward what tells the condition from it. Each image's noise comes from
 * its own {@link Random} seeded with its seed (Java's
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
    int branches = request.branches();

    try (NDManager work = outputManager.newSubManager()) {
      NDArray x = work.create(gaussian(generators, pixels), imageShape);
      // Condition of the batch of every branch, built once: (branches * B, L, C_cond)
      NDList condition = conditionBatch(request, work);
      // Per image: rows i, B + i, ... (one per branch) of the condition batch.
      NDList[] perImage = batchInvariant && batch > 1 ? splitPerImage(condition, batch, branches) : null;
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
            epsilon = predictGuidedNoise(x, t, condition, batch, request, stepScope);
          } else {
            NDList parts = new NDList(batch);
            for (int image = 0; image < batch; image++) {
              NDArray xi = x.get(image + ":" + (image + 1));
              parts.add(predictGuidedNoise(xi, t, perImage[image], 1, request, stepScope));
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

  /** (B, C, H, W) eps, guided and contrasted as requested. */
  private NDArray predictGuidedNoise(
      NDArray x,
      int timestep,
      NDList condition,
      int batch,
      SamplingRequest request,
      NDManager scope) {
    boolean guided = request.guided();
    boolean contrasted = request.contrasted();
    int branches = request.branches();
    NDArray input = branches == 1 ? x : NDArrays.concat(new NDList(java.util.Collections.nCopies(branches, x)), 0);
    int[] t = new int[branches * batch];
    Arrays.fill(t, timestep);
    NDArray timesteps = scope.create(t);
    NDArray epsilon =
        unet.predictNoise(
            parameterStore, input, timesteps, condition.get(0), condition.get(1), false);
    if (branches == 1) {
      return epsilon;
    }
    NDList parts = epsilon.split(branches, 0);
    NDArray conditional = parts.get(0);
    // eps_u + w (eps_c - eps_u)
    NDArray out = guided
        ? parts.get(1).add(conditional.sub(parts.get(1)).mul(request.guidanceScale()))
        : conditional;
    if (contrasted) {
      // + s (eps_c - eps_contrast)
      out = out.add(conditional.sub(parts.get(branches - 1)).mul(request.contrastScale()));
    }
    return out;
  }

  /**
   * [condition, mask] for the UNet: the request's condition, then the unconditional one when
   * guided and the contrast when contrasted, stacked along the batch, with the shorter sequences
   * zero-padded and masked so all share one length.
   */
  private static NDList conditionBatch(SamplingRequest request, NDManager work) {
    List<NDArray> sequences = new ArrayList<>(3);
    List<NDArray> masks = new ArrayList<>(3);
    sequences.add(request.condition());
    masks.add(request.conditionMask());
    if (request.guided()) {
      sequences.add(request.unconditional());
      masks.add(request.unconditionalMask());
    }
    if (request.contrasted()) {
      sequences.add(request.contrast());
      masks.add(request.contrastMask());
    }
    long length = sequences.stream().mapToLong(sequence -> sequence.getShape().get(1)).max().orElseThrow();
    NDList padded = new NDList(sequences.size());
    NDList paddedMasks = new NDList(sequences.size());
    for (int i = 0; i < sequences.size(); i++) {
      NDList one = padTo(sequences.get(i), maskOrOnes(masks.get(i), sequences.get(i), work), length, work);
      padded.add(one.get(0));
      paddedMasks.add(one.get(1));
    }
    if (padded.size() == 1) {
      return new NDList(padded.get(0), paddedMasks.get(0));
    }
    return new NDList(NDArrays.concat(padded, 0), NDArrays.concat(paddedMasks, 0));
  }

  /** Per image i: rows i, B + i, ... of each array of {@code condition}, one per branch. */
  private static NDList[] splitPerImage(NDList condition, int batch, int branches) {
    NDList[] out = new NDList[batch];
    for (int i = 0; i < batch; i++) {
      NDList rows = new NDList(2);
      for (NDArray array : condition) {
        NDArray row = array.get(i + ":" + (i + 1));
        for (int b = 1; b < branches; b++) {
          row = row.concat(array.get((b * batch + i) + ":" + (b * batch + i + 1)), 0);
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
