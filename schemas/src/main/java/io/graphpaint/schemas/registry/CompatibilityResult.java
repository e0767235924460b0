package io.graphpaint.schemas.registry;

import java.util.List;

/**
 * Answer of a compatibility check: whether the schema may be registered, and the registry's
 * reasons when not (empty when the registry gives none).
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
  public CompatibilityResult {
    messages = List.copyOf(messages);
  }
}
