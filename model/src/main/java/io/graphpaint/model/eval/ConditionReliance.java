package io.graphpaint.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.data.ImageTensors;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.diffusion.NoiseSchedule;
import io.graphpaint.model.fusion.FusedCondition;
import io.graphpaint.model.graph.GraphBatcher;
import io.graphpaint.model.fusion.PromptKind;
import io.graphpaint.model.sampling.SceneGraphPipeline;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How much a model's denoiser reads its condition, measured without sampling: the prediction error
 * (the training loss: on eps, or on v for a v-prediction model) on held-out images noised at fixed timesteps with seeded noise, given
 * each image's own condition, another image's condition, its own graph with every relationship
 * reversed (subject and object swapped: the same objects, other relations), and the null condition
 * of guidance.
 *
 * <p>A UNet that ignores its condition predicts the same noise for all of them, so every gain is
 * 0; one that reads it predicts better with its own graph than with the null condition or with a
 * wrong one. Gains are relative per timestep, {@code 1 - own_t / null_t}, then averaged over the
 * timesteps: the raw error is dominated by the low-noise steps, where the noisy image itself
 * shows what is drawn and the condition has little to add, while at high noise (where layout and
 * content are decided) the error in noise space is scaled down by {@code alphaBar / (1 -
 * alphaBar)}; averaging raw errors would hide exactly the steps the condition is for.
 *
 * <p>The reversed graph separates relations from labels: a condition made of the object labels
 * alone is the same for both, so its gain over the reversed graph is exactly 0, and a model gains
 * over it only as far as it reads the relations (through graph tokens, or a caption that names
 * them). Whether a model that does not gain there fails to tell the graphs apart or fails to use
 * the difference shows in {@link Result#reversedShift()}: how far reversing the relations moves the
 * condition, as a share of how far a wrong graph moves it; {@link Result#graphShift()} is the same
 * for the graph encoder's global vector alone, before the label text is mixed in.
 */
public final class ConditionReliance {

  /** Timesteps of the measurement, from little noise to almost pure noise. */
  public static final List<Integer> TIMESTEPS = List.of(100, 300, 500, 700, 900);

  /**
   * Mean squared prediction errors per timestep of {@link #TIMESTEPS}.
   *
   * @param own with each image's own condition
   * @param shuffled with the condition of the next image in the list
   * @param reversed with the image's own graph, every relationship reversed
   * @param unconditional with the null condition
   * @param reversedShift squared distance between the pooled conditions (masked mean over tokens, as
   *     the UNet's pooled-condition path sees them) of a graph and its reversed graph, summed over
   *     the images, over the same for the graph and the wrong graph: 0 when the condition cannot
   *     tell the relations apart
   * @param graphShift the same ratio for the graph encoder's global vector; NaN for a model whose
   *     condition has no graph part (TEXT_ONLY)
   * @param images how many images it was measured on
   */
  public record Result(List<Double> own, List<Double> shuffled, List<Double> reversed, List<Double> unconditional,
      double reversedShift, double graphShift, int images) {

    public Result {
      own = List.copyOf(own);
      shuffled = List.copyOf(shuffled);
      reversed = List.copyOf(reversed);
      unconditional = List.copyOf(unconditional);
    }

    /** Mean over timesteps of {@code 1 - own_t / null_t}: the share of the unconditional error the condition removes. */
    public double gainOverNull() {
      return meanGain(unconditional);
    }

    /** Mean over timesteps of {@code 1 - own_t / wrong_t}: how much better the right graph does than a wrong one. */
    public double gainOverShuffled() {
      return meanGain(shuffled);
    }

    /** Mean over timesteps of {@code 1 - own_t / reversed_t}: how much the graph's relations (not only its objects) help. */
    public double gainOverReversed() {
      return meanGain(reversed);
    }

    /** The gain over the null condition at the last (noisiest) timestep. */
    public double gainAtHighNoise() {
      int last = own.size() - 1;
      return 1 - own.get(last) / unconditional.get(last);
    }

    /**
     * The gain over the reversed graph at the last (noisiest) timestep, where a sample's layout is
     * decided: how much the relations help the denoiser there.
     */
    public double relationGainAtHighNoise() {
      int last = own.size() - 1;
      return 1 - own.get(last) / reversed.get(last);
    }

    /** The error with the own condition, averaged over timesteps (the training loss at those steps). */
    public double ownError() {
      return own.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private double meanGain(List<Double> reference) {
      double sum = 0;
      for (int i = 0; i < own.size(); i++) {
        sum += 1 - own.get(i) / reference.get(i);
      }
      return sum / own.size();
    }

    /**
     * Benchmark columns: prediction_mse, condition_gain, condition_gain_vs_wrong,
     * condition_gain_vs_reversed, condition_shift_reversed, graph_shift_reversed (models with a
     * graph part only), condition_gain_t900, condition_gain_vs_reversed_t900.
     */
    public Map<String, Double> asMap() {
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("prediction_mse", ownError());
      out.put("condition_gain", gainOverNull());
      out.put("condition_gain_vs_wrong", gainOverShuffled());
      out.put("condition_gain_vs_reversed", gainOverReversed());
      out.put("condition_shift_reversed", reversedShift);
      if (!Double.isNaN(graphShift)) {
        out.put("graph_shift_reversed", graphShift);
      }
      out.put("condition_gain_t" + TIMESTEPS.get(TIMESTEPS.size() - 1), gainAtHighNoise());
      out.put("condition_gain_vs_reversed_t" + TIMESTEPS.get(TIMESTEPS.size() - 1), relationGainAtHighNoise());
      return out;
    }
  }

  private ConditionReliance() {}

  /**
   * Measures a model on {@code graphs} and their ground-truth {@code images}.
   *
   * @param pipeline the model
   * @param graphs at least two graphs (the wrong condition of image i is graph i + 1's)
   * @param images their ground-truth renders, one per graph
   * @param prompt how the text part of the condition is made
   * @param seed seeds the noise, so two models measured with one seed see the same noise
   */
  public static Result measure(
      SceneGraphPipeline pipeline, List<SceneGraph> graphs, List<BufferedImage> images, PromptKind prompt, long seed) {
    if (graphs.size() != images.size()) {
      throw new IllegalArgumentException(graphs.size() + " graphs but " + images.size() + " images");
    }
    if (graphs.size() < 2) {
      throw new IllegalArgumentException("condition reliance needs at least 2 graphs, got " + graphs.size());
    }
    GraphPaintModel model = pipeline.model();
    int size = model.config().unet().sampleSize();
    NoiseSchedule schedule = new NoiseSchedule(model.config().noiseSchedule());
    Random random = new Random(seed);
    int steps = TIMESTEPS.size();
    double[] own = new double[steps];
    double[] shuffled = new double[steps];
    double[] reversed = new double[steps];
    double[] unconditional = new double[steps];
    double shiftReversed = 0;
    double shiftWrong = 0;
    boolean usesGraph = model.config().fusion().mode().usesGraph();
    double graphShiftReversed = 0;
    double graphShiftWrong = 0;
    int n = graphs.size();
    List<SceneGraph> wrong = new ArrayList<>(n);
    List<SceneGraph> flipped = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      wrong.add(graphs.get((i + 1) % n));
      flipped.add(graphs.get(i).withRelationshipsReversed());
    }
    io.graphpaint.model.nn.GradientRecording.disableOnThisThread();
    for (int start = 0; start < n; start += ModelBenchmark.BATCH) {
      int end = Math.min(n, start + ModelBenchmark.BATCH);
      int batch = end - start;
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray x0 = ImageTensors.toTensor(images.subList(start, end), size, scope);
        FusedCondition right = pipeline.condition(graphs.subList(start, end), prompt, scope);
        FusedCondition other = pipeline.condition(wrong.subList(start, end), prompt, scope);
        FusedCondition backwards = pipeline.condition(flipped.subList(start, end), prompt, scope);
        FusedCondition none = pipeline.nullCondition(batch, right.length(), scope);
        NDArray pooled = pooled(right);
        shiftReversed += pooled.sub(pooled(backwards)).square().sum().getFloat();
        shiftWrong += pooled.sub(pooled(other)).square().sum().getFloat();
        if (usesGraph) {
          NDArray global = graphVector(pipeline, graphs.subList(start, end), scope);
          graphShiftReversed += global.sub(graphVector(pipeline, flipped.subList(start, end), scope)).square().sum().getFloat();
          graphShiftWrong += global.sub(graphVector(pipeline, wrong.subList(start, end), scope)).square().sum().getFloat();
        }
        for (int k = 0; k < steps; k++) {
          int timestep = TIMESTEPS.get(k);
          try (NDManager step = scope.newSubManager()) {
            float[] drawn = new float[Math.toIntExact(x0.getShape().size())];
            for (int i = 0; i < drawn.length; i++) {
              drawn[i] = (float) random.nextGaussian();
            }
            NDArray noise = step.create(drawn, x0.getShape());
            int[] t = new int[batch];
            Arrays.fill(t, timestep);
            NDArray noisy = schedule.addNoise(x0, noise, t);
            noisy.attach(step);
            NDArray times = step.create(t);
            NDArray target = schedule.target(x0, noise, t);
            target.attach(step);
            own[k] += error(pipeline, noisy, times, right, target) * batch / n;
            shuffled[k] += error(pipeline, noisy, times, other, target) * batch / n;
            reversed[k] += error(pipeline, noisy, times, backwards, target) * batch / n;
            unconditional[k] += error(pipeline, noisy, times, none, target) * batch / n;
          }
        }
      }
    }
    return new Result(boxed(own), boxed(shuffled), boxed(reversed), boxed(unconditional),
        shiftWrong > 0 ? shiftReversed / shiftWrong : 0,
        !usesGraph ? Double.NaN : graphShiftWrong > 0 ? graphShiftReversed / graphShiftWrong : 0, n);
  }

  /** The graph encoder's global vectors of {@code graphs}: (B, Dg). */
  private static NDArray graphVector(SceneGraphPipeline pipeline, List<SceneGraph> graphs, NDManager manager) {
    GraphPaintModel model = pipeline.model();
    return model.graphEncoder()
        .encode(pipeline.parameterStore(), GraphBatcher.batch(graphs, model.vocabulary(), manager), false)
        .global();
  }

  /** The masked mean of a condition's tokens, as the UNet's pooled-condition path takes it: (B, Dt). */
  private static NDArray pooled(FusedCondition condition) {
    return io.graphpaint.model.diffusion.ConditionalUNet.maskedMean(condition.tokens(), condition.mask());
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  private static double error(
      SceneGraphPipeline pipeline, NDArray noisy, NDArray times, FusedCondition condition, NDArray target) {
    NDArray predicted =
        pipeline.model().unet().predictNoise(
            pipeline.parameterStore(), noisy, times, condition.tokens(), condition.mask(), false);
    return predicted.sub(target).square().mean().getFloat();
  }
}
