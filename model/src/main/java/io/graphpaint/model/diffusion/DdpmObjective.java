package io.graphpaint.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.nn.Managed;
import java.util.Objects;
import java.util.Random;

/**
 * DDPM's simplified training objective (Ho et al. 2020, eq. 14): draw t uniformly from [0, T)
 * and eps ~ N(0, I), noise x_0 to x_t = sqrt(a_t) x_0 + sqrt(1 - a_t) eps, and regress the UNet's
 * prediction onto its target with the mean squared error: eps, or v = sqrt(a_t) eps - sqrt(1 - a_t)
 * x_0 for a v-prediction schedule ({@link NoiseSchedule#target}). Classifier-free guidance training (condition
 * replaced by the unconditional one with probability p) is {@link #dropConditions}.
 */
public final class DdpmObjective {

  private final NoiseSchedule schedule;

  public DdpmObjective(NoiseSchedule schedule) {
    this.schedule = Objects.requireNonNull(schedule, "schedule must not be null");
  }

  public NoiseSchedule schedule() {
    return schedule;
  }

  /** A draw of timesteps and noise for one batch. */
  public record Draw(int[] timesteps, NDArray noise) {}

  /**
   * Draws t uniform in [0, T) and Gaussian noise shaped like {@code x0}, from {@code random}
   * (so a training run is reproducible from its seed), into {@code manager}.
   */
  public Draw draw(Shape sampleShape, Random random, NDManager manager) {
    int batch = Math.toIntExact(sampleShape.get(0));
    int[] timesteps = new int[batch];
    for (int i = 0; i < batch; i++) {
      timesteps[i] = random.nextInt(schedule.numTrainTimesteps());
    }
    float[] noise = new float[Math.toIntExact(sampleShape.size())];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) random.nextGaussian();
    }
    return new Draw(timesteps, manager.create(noise, sampleShape));
  }

  /**
   * The loss for given timesteps and noise.
   *
   * @param x0 clean images in [-1, 1], (B, C, H, W)
   * @param timesteps t per image, B entries
   * @param noise eps, (B, C, H, W)
   * @param condition (B, L, C_cond)
   * @param conditionMask (B, L) or null
   * @return the scalar mean squared error, attached to x0's manager
   */
  public NDArray loss(
      ParameterStore ps,
      ConditionalUNet unet,
      NDArray x0,
      int[] timesteps,
      NDArray noise,
      NDArray condition,
      NDArray conditionMask,
      boolean training) {
    NDManager scope = x0.getManager();
    NDArray noisy = schedule.addNoise(x0, noise, timesteps);
    NDArray t = scope.create(timesteps);
    NDArray predicted = unet.predictNoise(ps, noisy, t, condition, conditionMask, training);
    NDArray error = predicted.sub(schedule.target(x0, noise, timesteps));
    return error.square().mean();
  }

  /** The loss with t and eps drawn from {@code random}. */
  public NDArray loss(
      ParameterStore ps,
      ConditionalUNet unet,
      NDArray x0,
      NDArray condition,
      NDArray conditionMask,
      Random random,
      boolean training) {
    Draw draw = draw(x0.getShape(), random, x0.getManager());
    return loss(
        ps, unet, x0, draw.timesteps(), draw.noise(), condition, conditionMask, training);
  }

  /**
   * Classifier-free guidance training: each row of {@code condition} is replaced by the same row
   * of {@code unconditional} with probability {@code dropProbability} (drawn from {@code random}
   * in row order). Both sequences must have one shape; masks are combined the same way.
   *
   * @return [condition (B, L, C), mask (B, L)] in condition's manager
   */
  public static NDList dropConditions(
      NDArray condition,
      NDArray conditionMask,
      NDArray unconditional,
      NDArray unconditionalMask,
      float dropProbability,
      Random random) {
    if (!(dropProbability >= 0 && dropProbability <= 1)) {
      throw new IllegalArgumentException(
          "dropProbability must be within [0, 1], got " + dropProbability);
    }
    Shape shape = condition.getShape();
    if (!unconditional.getShape().equals(shape)) {
      throw new IllegalArgumentException(
          "unconditional shape " + unconditional.getShape() + " must equal condition shape "
              + shape);
    }
    int batch = Math.toIntExact(shape.get(0));
    float[] keep = new float[batch];
    for (int i = 0; i < batch; i++) {
      keep[i] = random.nextFloat() < dropProbability ? 0f : 1f;
    }
    NDManager scope = condition.getManager();
    NDArray keepRows = scope.create(keep, new Shape(batch, 1, 1));
    NDArray dropRows = keepRows.neg().add(1f);
    NDArray mixed =
        condition.mul(keepRows).add(Managed.onManagerOf(
            condition, unconditional.mul(dropRows)));
    NDArray keepMask = keepRows.reshape(batch, 1);
    NDArray dropMask = dropRows.reshape(batch, 1);
    NDArray condMask =
        conditionMask == null
            ? scope.ones(new Shape(batch, shape.get(1)))
            : Managed.onManagerOf(
                condition, conditionMask.toType(DataType.FLOAT32, true));
    NDArray uncondMask =
        unconditionalMask == null
            ? scope.ones(new Shape(batch, shape.get(1)))
            : Managed.onManagerOf(
                condition,
                unconditionalMask.toType(DataType.FLOAT32, true));
    NDArray mask = condMask.mul(keepMask).add(uncondMask.mul(dropMask));
    return new NDList(mixed, mask);
  }
}
