package io.graphpaint.schemas.registry;

/** The registry's compatibility levels ({@code PUT /config/{subject}}). */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE
}
