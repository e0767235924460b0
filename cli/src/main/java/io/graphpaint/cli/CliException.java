package io.graphpaint.cli;

/** A failure whose message is already the line a person should read; no stack trace needed. */
public class CliException extends RuntimeException {

  private final int exitCode;

  public CliException(String message) {
    this(message, Graphpaint.EXIT_FAILURE, null);
  }

  public CliException(String message, Throwable cause) {
    this(message, Graphpaint.EXIT_FAILURE, cause);
  }

  public CliException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
