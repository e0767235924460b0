package io.graphpaint.schemas.serde;

/**
 * The Confluent wire format, public and shared by every Confluent-compatible client: byte 0 is the
 * magic byte 0x00, bytes 1-4 the schema's global registry id (big-endian int), then the Avro binary
 * encoding of the record with that schema.
 */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0x0;
  /** Magic byte + schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Writes the 5-byte header for {@code schemaId} into {@code target[0..5)}. */
  public static void writeHeader(byte[] target, int schemaId) {
    target[0] = MAGIC_BYTE;
    target[1] = (byte) (schemaId >>> 24);
    target[2] = (byte) (schemaId >>> 16);
    target[3] = (byte) (schemaId >>> 8);
    target[4] = (byte) schemaId;
  }

  /** The schema id of a record with a valid header (check {@code length >= 5} and magic first). */
  public static int schemaId(byte[] record) {
    return ((record[1] & 0xff) << 24) | ((record[2] & 0xff) << 16) | ((record[3] & 0xff) << 8) | (record[4] & 0xff);
  }
}
