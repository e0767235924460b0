package io.graphpaint.model.train;

import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * One step of a stage: draw the step's batch, forward, backward, update. Must be a function of
 * the step number, the weights and the optimizer state only (the loop seeds the engine's random
 * generator from the step before calling), so that a resumed run repeats an uninterrupted one.
 */
@FunctionalInterface
public interface TrainingStep {

  /**
   * @param step 0-based step number
   * @param manager the step's own manager: everything created in the step goes here and is freed
   *     after it
   * @return named scalar losses of this step, e.g. {@code loss}, {@code recon}
   */
  Map<String, Float> run(long step, NDManager manager);
}
