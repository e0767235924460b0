package io.graphpaint.orchestrator.api;

import java.util.List;

/**
 * An error answer as an RFC 9457 problem document: {@code type}, {@code title}, {@code status},
 * {@code detail}, and {@code errors} naming each field and the rule it broke.
 */
public final class ApiProblem extends RuntimeException {

  /** The kinds of problem the API answers with; the type URI names the kind. */
  public enum Kind {
    MALFORMED_JSON(400, "Malformed JSON"),
    INVALID_REQUEST(422, "Invalid request"),
    INVALID_PARAMETER(400, "Invalid parameter"),
    UNAUTHORIZED(401, "Unauthorized"),
    NOT_FOUND(404, "Not found"),
    CONFLICT(409, "Conflict"),
    BODY_TOO_LARGE(413, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    UNAVAILABLE(503, "Service unavailable"),
    INTERNAL(500, "Internal error");

    private final int status;
    private final String title;

    Kind(int status, String title) {
      this.status = status;
      this.title = title;
    }

    public int status() {
      return status;
    }

    public String title() {
      return title;
    }

    public String type() {
      return "urn:graphpaint:problem:" + name().toLowerCase().replace('_', '-');
    }
  }

  private final Kind kind;
  private final List<FieldError> errors;

  public ApiProblem(Kind kind, String detail) {
    this(kind, detail, List.of());
  }

  public ApiProblem(Kind kind, String detail, List<FieldError> errors) {
    super(detail);
    this.kind = kind;
    this.errors = List.copyOf(errors);
  }

  public Kind kind() {
    return kind;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public String detail() {
    return getMessage();
  }
}
