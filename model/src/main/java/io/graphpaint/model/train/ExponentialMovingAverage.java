package io.graphpaint.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of weights, {@code shadow = d * shadow + (1 - d) * w} after every
 * update, the weights diffusion models sample with. The decay warms up as in common diffusion
 * training code, {@code d = min(decay, (1 + n) / (10 + n))} after n updates, so that short runs
 * are not left at their initial weights. Shadows live in this object's manager; updates are in
 * place. {@link #state} and {@link #load} carry the shadows and n, for exact resumption.
 */
public final class ExponentialMovingAverage implements AutoCloseable {

  private final double decay;
  private final NDManager manager;
  private final Map<String, NDArray> shadows = new LinkedHashMap<>();
  private long updates;

  /**
   * @param decay in [0, 1); 0.999 averages over roughly the last thousand updates
   * @param parameters the weights to follow (name -> parameter); the shadows start as copies
   */
  public ExponentialMovingAverage(double decay, Map<String, Parameter> parameters, NDManager parent) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("EMA decay must be within [0, 1), got " + decay);
    }
    this.decay = decay;
    this.manager = parent.newSubManager();
    parameters.forEach((name, parameter) -> shadows.put(name, copy(parameter.getArray())));
  }

  public double decay() {
    return decay;
  }

  /** Updates so far. */
  public long updates() {
    return updates;
  }

  /** The decay the next update uses. */
  public double currentDecay() {
    return Math.min(decay, (1.0 + updates) / (10.0 + updates));
  }

  /** Moves every shadow toward its weight. */
  public void update(Map<String, Parameter> parameters) {
    float keep = (float) currentDecay();
    for (Map.Entry<String, NDArray> entry : shadows.entrySet()) {
      Parameter parameter = parameters.get(entry.getKey());
      if (parameter == null) {
        throw new IllegalArgumentException("EMA follows " + entry.getKey() + " but it was not passed");
      }
      NDArray shadow = entry.getValue();
      // shadow - (1 - decay) (shadow - w) == decay shadow + (1 - decay) w
      try (NDArray difference = shadow.sub(parameter.getArray())) {
        difference.muli(1 - keep);
        shadow.subi(difference);
      }
    }
    updates++;
  }

  /** The averaged weights, name -> array (owned by this object). */
  public Map<String, NDArray> shadows() {
    return java.util.Collections.unmodifiableMap(shadows);
  }

  /** What a checkpoint saves: the shadows by name plus {@code updates} (a one-element int64 array). */
  public Map<String, NDArray> state(NDManager scratch) {
    Map<String, NDArray> state = new LinkedHashMap<>(shadows);
    state.put(UPDATES_KEY, scratch.create(new long[] {updates}));
    return state;
  }

  /** Restores what {@link #state} saved (same weight names). */
  public void load(Map<String, NDArray> saved) {
    NDArray counter = saved.get(UPDATES_KEY);
    Map<String, NDArray> weights = new LinkedHashMap<>(saved);
    weights.remove(UPDATES_KEY);
    if (counter == null || !weights.keySet().equals(shadows.keySet())) {
      throw new IllegalArgumentException(
          "saved EMA has entries " + saved.keySet() + ", this model needs " + shadows.keySet() + " and " + UPDATES_KEY);
    }
    weights.forEach((name, array) -> array.copyTo(shadows.get(name)));
    updates = counter.toLongArray()[0];
  }

  private static final String UPDATES_KEY = "__updates__";

  /** Writes the averaged weights into {@code parameters} (e.g. before saving a sampling model). */
  public void copyTo(Map<String, Parameter> parameters) {
    shadows.forEach(
        (name, shadow) -> {
          Parameter parameter = parameters.get(name);
          if (parameter == null) {
            throw new IllegalArgumentException("EMA follows " + name + " but it was not passed");
          }
          shadow.copyTo(parameter.getArray());
        });
  }

  private NDArray copy(NDArray array) {
    NDArray copy = manager.create(array.getShape(), array.getDataType());
    array.copyTo(copy);
    return copy;
  }

  @Override
  public void close() {
    manager.close();
  }
}
