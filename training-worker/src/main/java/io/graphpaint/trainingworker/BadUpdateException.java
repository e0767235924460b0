package io.graphpaint.trainingworker;

/**
 * A dataset update that cannot be trained on as it is (missing manifest or images, unknown format,
 * labels outside the vocabulary under REJECT, ...). Its message says what is wrong and what is
 * allowed; it becomes the FAILED status's message, and the worker moves past the update.
 */
public final class BadUpdateException extends RuntimeException {

  public BadUpdateException(String message) {
    super(message);
  }

  public BadUpdateException(String message, Throwable cause) {
    super(message, cause);
  }
}
