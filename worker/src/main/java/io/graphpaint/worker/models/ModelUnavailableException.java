package io.graphpaint.worker.models;

/** A pinned model version that this worker cannot serve; the message says which versions it can. */
public final class ModelUnavailableException extends Exception {

  public ModelUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
