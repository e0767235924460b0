package io.graphpaint.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/** A schema as the registry holds it under a subject: its global id and its version there. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    if (id < 0) {
      throw new IllegalArgumentException("id must be >= 0, was " + id);
    }
  }
}
