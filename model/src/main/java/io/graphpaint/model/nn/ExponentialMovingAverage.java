package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of a block's weights, {@code shadow = d shadow + (1 - d) w}, kept
 * in its own native memory (the weights sampled from at the end of diffusion training). With
 * warm-up, the decay of update n is {@code min(d, (1 + n) / (10 + n))} so that early averages are
 * not dominated by the random initialization.
 */
public final class ExponentialMovingAverage implements AutoCloseable {

  private final NDManager manager;
  private final Map<String, NDArray> shadow = new LinkedHashMap<>();
  private final float decay;
  private final boolean warmUp;
  private long updates;

  /**
   * Starts the average at the block's current weights.
   *
   * @param block an initialized block
   * @param decay d, within [0, 1)
   * @param warmUp whether to ramp the decay up over the first updates
   * @param parent the manager under which the average allocates its own
   */
  public ExponentialMovingAverage(Block block, float decay, boolean warmUp, NDManager parent) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must be within [0, 1), got " + decay);
    }
    this.decay = decay;
    this.warmUp = warmUp;
    this.manager = parent.newSubManager();
    for (Map.Entry<String, NDArray> entry : StateDict.view(block).entrySet()) {
      NDArray copy = entry.getValue().duplicate();
      copy.attach(manager);
      copy.setName(entry.getKey());
      shadow.put(entry.getKey(), copy);
    }
  }

  /** The decay the next update will use. */
  public float currentDecay() {
    return warmUp ? Math.min(decay, (1f + updates) / (10f + updates)) : decay;
  }

  /** Number of updates so far. */
  public long updates() {
    return updates;
  }

  /** Folds the block's current weights into the average (in place; memory stays flat). */
  public void update(Block block) {
    float d = currentDecay();
    Map<String, NDArray> weights = StateDict.view(block);
    try (NDManager scratch = manager.newSubManager()) {
      for (Map.Entry<String, NDArray> entry : shadow.entrySet()) {
        NDArray weight = weights.get(entry.getKey());
        if (weight == null) {
          throw new IllegalArgumentException(
              "block has no parameter " + entry.getKey() + " that this average tracks");
        }
        NDArray contribution = weight.mul(1f - d);
        contribution.attach(scratch);
        entry.getValue().muli(d).addi(contribution);
      }
    }
    updates++;
  }

  /** The averaged weights by state-dict name (live arrays owned by this average). */
  public Map<String, NDArray> stateDict() {
    return Collections.unmodifiableMap(shadow);
  }

  /** Copies the averaged weights into {@code block} (same names and shapes). */
  public void copyTo(Block block) {
    StateDict.load(block, shadow);
  }

  @Override
  public void close() {
    manager.close();
  }
}
