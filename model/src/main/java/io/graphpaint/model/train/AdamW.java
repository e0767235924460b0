package io.graphpaint.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW whose state (moments and update count) is plain named arrays, so that a checkpoint can
 * save it and a resumed run continues bit for bit. DJL's own optimizers keep their state private.
 *
 * <p>Each {@link #step} checks that every gradient is finite (a non-finite gradient with a finite
 * loss happens now and then on this engine, and one unguarded update turns all weights into NaN),
 * clips the global norm, updates, and zeroes the gradients it used (the engine accumulates
 * gradients across backward passes). A skipped step zeroes the gradients too and is counted.
 *
 * <p>All temporaries go to the step's manager; the moments live in the optimizer's own manager.
 */
public final class AdamW implements AutoCloseable {

  /** What happened in one {@link #step}. */
  public record Outcome(boolean applied, double gradientNorm, double learningRate) {}

  private final OptimizerConfig config;
  private final NDManager stateManager;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private long updates;
  private long skipped;
  private boolean trackZeroGradients;
  private List<String> lastZeroGradients = List.of();

  public AdamW(OptimizerConfig config, NDManager parent) {
    this.config = config;
    this.stateManager = parent.newSubManager();
  }

  public OptimizerConfig config() {
    return config;
  }

  /**
   * When on, each step records the parameters whose gradient is exactly zero everywhere (one
   * extra reduction per parameter; for tests and diagnostics of dead parameters).
   */
  public void trackZeroGradients(boolean on) {
    trackZeroGradients = on;
  }

  /** Parameters whose gradient was exactly zero in the last step (when tracking). */
  public List<String> lastZeroGradients() {
    return lastZeroGradients;
  }

  /** Updates applied so far. */
  public long updates() {
    return updates;
  }

  /** Steps skipped for non-finite gradients so far. */
  public long skipped() {
    return skipped;
  }

  /**
   * One update of {@code parameters} (name -> parameter) from their current gradients.
   *
   * @param stepManager the manager of the current training step; temporaries are attached to it
   */
  public Outcome step(Map<String, Parameter> parameters, NDManager stepManager) {
    Map<String, NDArray> gradients = new LinkedHashMap<>();
    List<NDArray> squaredNorms = new ArrayList<>();
    for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
      NDArray weight = entry.getValue().getArray();
      if (!weight.hasGradient()) {
        throw new IllegalStateException("parameter " + entry.getKey() + " has no gradient attached");
      }
      NDArray gradient = weight.getGradient();
      gradient.attach(stepManager);
      gradients.put(entry.getKey(), gradient);
      squaredNorms.add(gradient.square().sum());
    }
    double squaredNorm =
        squaredNorms.isEmpty() ? 0 : NDArrays.stack(new NDList(squaredNorms)).sum().getFloat();
    double norm = Math.sqrt(squaredNorm);
    if (trackZeroGradients && !squaredNorms.isEmpty()) {
      float[] perParameter = NDArrays.stack(new NDList(squaredNorms)).toFloatArray();
      List<String> zero = new ArrayList<>();
      int i = 0;
      for (String name : gradients.keySet()) {
        if (perParameter[i++] == 0f) {
          zero.add(name);
        }
      }
      lastZeroGradients = List.copyOf(zero);
    }
    double learningRate = config.learningRateAt(updates);
    if (!Double.isFinite(norm)) {
      skipped++;
      gradients.values().forEach(AdamW::zero);
      return new Outcome(false, norm, learningRate);
    }
    // clip the global norm; the scale is finite here because norm is
    float clip = (float) Math.min(1.0, config.maxGradientNorm() / (norm + 1e-6));
    long t = updates + 1;
    float beta1 = (float) config.beta1();
    float beta2 = (float) config.beta2();
    float correction1 = (float) (1 - Math.pow(config.beta1(), t));
    float correction2 = (float) (1 - Math.pow(config.beta2(), t));
    float stepSize = (float) learningRate;
    float decay = (float) (learningRate * config.weightDecay());
    for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
      String name = entry.getKey();
      NDArray weight = entry.getValue().getArray();
      NDArray gradient = gradients.get(name).mul(clip); // step manager (first operand)
      NDArray m = firstMoments.computeIfAbsent(name, n -> zerosLike(weight));
      NDArray v = secondMoments.computeIfAbsent(name, n -> zerosLike(weight));
      m.muli(beta1).addi(gradient.mul(1 - beta1));
      v.muli(beta2).addi(gradient.square().muli(1 - beta2));
      // every result whose first operand is long-lived is attached to the step by hand
      NDArray denominator = onStep(v.div(correction2), stepManager).sqrt().addi((float) config.epsilon());
      NDArray update = onStep(m.div(correction1), stepManager).divi(denominator).muli(stepSize);
      if (decay > 0) {
        update.addi(onStep(weight.mul(decay), stepManager));
      }
      weight.subi(update);
      zero(gradients.get(name));
    }
    updates++;
    return new Outcome(true, norm, learningRate);
  }

  /** The state to save: {@code m.<name>}, {@code v.<name>} and {@code updates}, {@code skipped}. */
  public Map<String, NDArray> state(NDManager manager) {
    Map<String, NDArray> state = new LinkedHashMap<>();
    firstMoments.forEach((name, array) -> state.put("m." + name, array));
    secondMoments.forEach((name, array) -> state.put("v." + name, array));
    state.put("counters", manager.create(new long[] {updates, skipped}));
    return state;
  }

  /** Restores what {@link #state} saved; arrays are copied into this optimizer's manager. */
  public void load(Map<String, NDArray> state) {
    NDArray counters = state.get("counters");
    if (counters == null) {
      throw new IllegalArgumentException("optimizer state lacks its counters");
    }
    long[] values = counters.toLongArray();
    firstMoments.values().forEach(NDArray::close);
    secondMoments.values().forEach(NDArray::close);
    firstMoments.clear();
    secondMoments.clear();
    state.forEach(
        (key, array) -> {
          if (key.startsWith("m.")) {
            firstMoments.put(key.substring(2), copy(array));
          } else if (key.startsWith("v.")) {
            secondMoments.put(key.substring(2), copy(array));
          } else if (!key.equals("counters")) {
            throw new IllegalArgumentException("unexpected optimizer state entry " + key);
          }
        });
    updates = values[0];
    skipped = values[1];
  }

  private NDArray zerosLike(NDArray weight) {
    return stateManager.zeros(weight.getShape(), weight.getDataType());
  }

  private NDArray copy(NDArray array) {
    NDArray copy = stateManager.create(array.getShape(), array.getDataType());
    array.copyTo(copy);
    return copy;
  }

  private static NDArray onStep(NDArray array, NDManager stepManager) {
    array.attach(stepManager);
    return array;
  }

  /** Zeroes a gradient in place; {@code set} overwrites, so NaN and infinity go too. */
  static void zero(NDArray gradient) {
    gradient.set(new NDIndex("..."), 0f);
  }

  @Override
  public void close() {
    stateManager.close();
  }
}
