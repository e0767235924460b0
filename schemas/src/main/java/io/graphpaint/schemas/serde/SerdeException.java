package io.graphpaint.schemas.serde;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record could not be serialized or deserialized. Carries the topic, the schema id when it is
 * known and a {@link Reason}, so that a consumer can route the original bytes to the dead-letter
 * topic with meaningful headers, and retry instead when {@link #isRetriable()} (the registry was
 * unreachable: the bytes may be fine).
 *
 * <p>In a {@code KafkaConsumer} a deserializer's exception surfaces from {@code poll()} as a
 * {@link org.apache.kafka.common.errors.RecordDeserializationException} whose cause is this
 * exception and which carries the partition, offset and the original key and value bytes: write
 * those to the DLQ with {@link #headers()}, then {@code seek} past the offset.
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

  /** Header names written by {@link #headers()}. */
  public static final String HEADER_REASON = "graphpaint.error.reason";
  public static final String HEADER_TOPIC = "graphpaint.error.topic";
  public static final String HEADER_SCHEMA_ID = "graphpaint.error.schema.id";
  public static final String HEADER_MESSAGE = "graphpaint.error.message";

  /** Error headers for a dead-letter record: reason, source topic, schema id (when known), message. */
  public Headers headers() {
    Headers headers = new RecordHeaders();
    headers.add(HEADER_REASON, reason.name().getBytes(StandardCharsets.UTF_8));
    headers.add(HEADER_TOPIC, String.valueOf(topic).getBytes(StandardCharsets.UTF_8));
    if (schemaId != null) {
      headers.add(HEADER_SCHEMA_ID, String.valueOf(schemaId).getBytes(StandardCharsets.UTF_8));
    }
    headers.add(HEADER_MESSAGE, String.valueOf(getMessage()).getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  /** True when the bytes may be fine and a later attempt may succeed (registry trouble). */
  public boolean isRetriable() {
    return reason == Reason.REGISTRY_UNAVAILABLE;
  }
}
