package io.graphpaint.schemas.serde;

import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be serialized or deserialized. Carries the topic, the schema id when it is
 * known and a {@link Reason}, so that a consumer can route the original bytes to the dead-letter
 * topic with meaningful headers, and retry instead when {@link #isRetriable()} (the registry was
 * unreachable: the bytes may be fine).
 */
public class SerdeException extends SerializationException {

  /** What went wrong. */
  public enum Reason {
    /** Fewer than the 5 header bytes of the Confluent wire format. */
    TRUNCATED_HEADER,
    /** Byte 0 is not the Confluent magic byte 0x00. */
    UNKNOWN_MAGIC_BYTE,
    /** The registry does not know the schema id in the header. */
    UNKNOWN_SCHEMA_ID,
    /** The writer schema cannot be read with the reader's schema. */
    INCOMPATIBLE_SCHEMA,
    /** The Avro body does not decode with the writer schema (truncated, trailing bytes, garbage). */
    MALFORMED_BODY,
    /** The registry could not be reached or failed; retrying may succeed. */
    REGISTRY_UNAVAILABLE,
    /** The registry refused the schema (e.g. incompatible with the subject's earlier versions). */
    SCHEMA_REJECTED,
    /** The record could not be encoded with its schema (e.g. null in a non-null field). */
    ENCODE_FAILED
  }

  private final String topic;
  private final Integer schemaId;
  private final Reason reason;

  public SerdeException(String topic, Integer schemaId, Reason reason, String detail, Throwable cause) {
    super(describe(topic, schemaId, reason, detail), cause);
    this.topic = topic;
    this.schemaId = schemaId;
    this.reason = reason;
  }

  private static String describe(String topic, Integer schemaId, Reason reason, String detail) {
    return reason + " on topic '" + topic + "'" + (schemaId == null ? "" : " (schema id " + schemaId + ")")
        + ": " + detail;
  }

  public String topic() {
    return topic;
  }

  public OptionalInt schemaId() {
    return schemaId == null ? OptionalInt.empty() : OptionalInt.of(schemaId);
  }

  public Reason reason() {
    return reason;
  }

  /** True when the bytes may be fine and a later attempt may succeed (registry trouble). */
  public boolean isRetriable() {
    return reason == Reason.REGISTRY_UNAVAILABLE;
  }
}
