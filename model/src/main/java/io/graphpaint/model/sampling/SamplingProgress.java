package io.graphpaint.model.sampling;

/** Called after every denoising step of every batch, on the sampling thread. */
@FunctionalInterface
public interface SamplingProgress {

  /**
   * @param step steps done in the current batch (1-based)
   * @param totalSteps steps per batch
   * @param batch 0-based batch number within the call
   * @param batches batches in the call
   */
  void onStep(int step, int totalSteps, int batch, int batches);

  SamplingProgress NONE = (step, totalSteps, batch, batches) -> {};
}
