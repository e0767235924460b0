package io.graphpaint.cli;

/** What this build of graphpaint does not contain yet, said the same way everywhere. */
final class Availability {

  static final String TRAINING_WORKER_MISSING =
      "the training worker is not part of this build yet; train with `graphpaint train` and serve the result "
          + "with `graphpaint up --model DIR` meanwhile";

  private Availability() {}
}
