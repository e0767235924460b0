package io.graphpaint.model.diffusion;

/** Told after every DDIM step; throwing from it aborts sampling (e.g. on cancellation). */
@FunctionalInterface
public interface SamplingListener {

  /** Ignores every step. */
  SamplingListener NONE = (step, totalSteps, timestep) -> {};

  /**
   * @param step steps done so far, 1 .. totalSteps
   * @param totalSteps steps of the run
   * @param timestep the timestep just denoised
   */
  void onStep(int step, int totalSteps, int timestep);
}
