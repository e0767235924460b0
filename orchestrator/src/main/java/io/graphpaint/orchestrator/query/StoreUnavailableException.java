package io.graphpaint.orchestrator.query;

/** The store cannot answer now (rebalancing, restoring, owner unreachable); worth retrying. */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
