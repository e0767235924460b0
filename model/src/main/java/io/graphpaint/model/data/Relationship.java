package io.graphpaint.model.data;

/**
 * A directed relationship {@code subject --predicate--> object}, with subject and object as
 * indices into the graph's object list.
 */
public record Relationship(int subject, String predicate, int object) {

  public Relationship {
    if (subject < 0) {
      throw new IllegalArgumentException("relationship subject must be >= 0, got " + subject);
    }
    if (object < 0) {
      throw new IllegalArgumentException("relationship object must be >= 0, got " + object);
    }
    if (predicate == null || predicate.isBlank()) {
      throw new IllegalArgumentException("relationship predicate must be non-blank, got " + predicate);
    }
  }
}
