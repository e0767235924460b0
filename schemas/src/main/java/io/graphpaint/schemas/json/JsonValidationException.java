package io.graphpaint.schemas.json;

import java.util.List;

/**
 * JSON input broke one or more rules. {@link #violations()} lists every one found (not just the
 * first), each as {@code path: rule}, e.g. {@code relationships[2][0]: index 5 out of range [0, 3)};
 * the message joins them with "; ".
 */
public class JsonValidationException extends IllegalArgumentException {

  private final List<String> violations;

  public JsonValidationException(List<String> violations) {
    super(violations.size() == 1
        ? violations.get(0)
        : violations.size() + " problems: " + String.join("; ", violations));
    this.violations = List.copyOf(violations);
  }

  /** Every violation as {@code path: rule}, in document order. */
  public List<String> violations() {
    return violations;
  }
}
