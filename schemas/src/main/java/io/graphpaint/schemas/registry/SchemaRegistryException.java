package io.graphpaint.schemas.registry;

import java.util.OptionalInt;

/**
 * A registry call failed. Says what was asked (operation, subject and/or schema id) and what the
 * registry answered: the HTTP status and its {@code error_code} / {@code message} body, or that no
 * registry could be reached (status 0).
 *
 * <p>Confluent error codes worth knowing: 40401 subject not found, 40402 version not found, 40403
 * schema not found, 409 incompatible schema, 42201 invalid schema, 50001-50003 registry-side
 * failures.
 */
public class SchemaRegistryException extends RuntimeException {

  /** HTTP status when the registry could not be reached at all. */
  public static final int UNREACHABLE = 0;

  private final String operation;
  private final String subject;
  private final Integer schemaId;
  private final int httpStatus;
  private final int errorCode;
  private final String registryMessage;

  public SchemaRegistryException(String operation, String subject, Integer schemaId, int httpStatus,
      int errorCode, String registryMessage, Throwable cause) {
    super(describe(operation, subject, schemaId, httpStatus, errorCode, registryMessage), cause);
    this.operation = operation;
    this.subject = subject;
    this.schemaId = schemaId;
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.registryMessage = registryMessage;
  }

  private static String describe(String operation, String subject, Integer schemaId, int httpStatus,
      int errorCode, String registryMessage) {
    StringBuilder text = new StringBuilder("Schema registry ").append(operation);
    if (subject != null) {
      text.append(" for subject '").append(subject).append('\'');
    }
    if (schemaId != null) {
      text.append(" for schema id ").append(schemaId);
    }
    if (httpStatus == UNREACHABLE) {
      text.append(" failed: no registry reachable");
    } else {
      text.append(" failed: HTTP ").append(httpStatus);
      if (errorCode != 0) {
        text.append(", error_code ").append(errorCode);
      }
    }
    if (registryMessage != null && !registryMessage.isEmpty()) {
      text.append(": ").append(registryMessage);
    }
    return text.toString();
  }

  /** What was asked, e.g. {@code "register"}, {@code "get schema by id"}. */
  public String operation() {
    return operation;
  }

  /** The subject asked about, or null. */
  public String subject() {
    return subject;
  }

  /** The schema id asked about, if any. */
  public OptionalInt schemaId() {
    return schemaId == null ? OptionalInt.empty() : OptionalInt.of(schemaId);
  }

  /** HTTP status, or {@link #UNREACHABLE}. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The registry's {@code error_code}, or 0 when it sent none. */
  public int errorCode() {
    return errorCode;
  }

  /** The registry's {@code message} (or the transport error), verbatim. */
  public String registryMessage() {
    return registryMessage;
  }

  /** Not found: unknown subject, version or schema id. */
  public boolean isNotFound() {
    return httpStatus == 404;
  }

  /** The schema is incompatible with the subject's earlier versions (HTTP 409). */
  public boolean isIncompatible() {
    return httpStatus == 409;
  }

  /** Worth retrying: the registry was unreachable, overloaded or failed internally. */
  public boolean isRetriable() {
    return httpStatus == UNREACHABLE || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
  }
}
