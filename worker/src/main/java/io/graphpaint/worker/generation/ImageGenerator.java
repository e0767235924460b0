package io.graphpaint.worker.generation;

import java.util.List;

/**
 * The worker's only view of the model: validated jobs in, PNG images out. Implementations are
 * used from one thread at a time.
 */
public interface ImageGenerator {

  /**
   * Generates every image of {@code jobs} as one batch.
   *
   * @param settings settings shared by all jobs (already validated against the model)
   * @param jobs one or more jobs
   * @param listener told after each step
   * @return per job its images, in job order
   */
  GeneratedBatch generate(BatchSettings settings, List<GenerationJob> jobs, StepListener listener);
}
