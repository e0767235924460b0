package io.graphpaint.model.train;

/** Receives training progress; called on the training thread, so keep it quick. */
@FunctionalInterface
public interface ProgressListener {

  void onProgress(TrainingProgress progress);

  /** Prints every {@code every}-th step (and the last) to standard output. */
  static ProgressListener console(int every) {
    if (every < 1) {
      throw new IllegalArgumentException("console progress interval must be >= 1, got " + every);
    }
    return progress -> {
      if (progress.step() % every == 0 || progress.step() == progress.totalSteps()) {
        System.out.println(progress.toLine());
      }
    };
  }
}
