package io.graphpaint.orchestrator.api;

/**
 * One thing wrong with a request: which field (a JSON path such as {@code graph.relationships[2][0]})
 * and which rule it broke, in words a person can act on.
 */
public record FieldError(String field, String rule) {
  public FieldError {
    if (field == null || field.isBlank()) {
      throw new IllegalArgumentException("field must be named");
    }
    if (rule == null || rule.isBlank()) {
      throw new IllegalArgumentException("rule must be stated");
    }
  }
}
