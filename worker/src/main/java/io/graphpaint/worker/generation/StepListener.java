package io.graphpaint.worker.generation;

/** Told after each sampling step of a batch; throwing aborts the batch. */
@FunctionalInterface
public interface StepListener {

  StepListener NONE = (step, totalSteps) -> {};

  /**
   * @param step steps done, 1 .. totalSteps
   * @param totalSteps steps of the batch
   */
  void onStep(int step, int totalSteps);
}
