package io.graphpaint.schemas.serde;

import io.graphpaint.schemas.EventClasses;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format ({@link WireFormat}) into Avro specific records.
 *
 * <p>The writer schema is fetched from the registry by the id in the header (cached) and resolved
 * against the reader's schema, the generated class's own: records written with an older (or newer)
 * compatible schema read as the reader's class, with defaults filled in. A datum reader is built
 * once per writer id.
 *
 * <p>Anything undecodable raises {@link SerdeException} with a {@link SerdeException.Reason}: fewer
 * than 5 bytes, a wrong magic byte, an unknown id, a writer schema the reader cannot resolve, a
 * body that does not decode or leaves bytes over. A null record (a tombstone on a compacted topic)
 * reads as null, as Kafka's deserializer contract and Kafka Streams' tables expect; an empty array
 * is an error.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  static {
    EventClasses.trust();
  }

  /** One decoder per thread, re-pointed at each record's bytes. */
  private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

  private SchemaRegistryClient registry;
  private boolean ownsRegistry;
  /** Reader schema, or null to read each record as the class its writer schema names. */
  private Schema readerSchema;
  private final ConcurrentMap<Integer, Resolution<T>> readersByWriterId = new ConcurrentHashMap<>();

  /** A reader for one writer id, or why there is none. */
  private record Resolution<T>(SpecificDatumReader<T> reader, String incompatibility) {}

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public AvroDeserializer() {}

  /**
   * A deserializer into {@code type} over a shared registry client (not closed by {@link #close()}).
   *
   * @param type the generated class to read as; null to use the class named by the writer schema
   */
  public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    EventClasses.trust();
    this.registry = Objects.requireNonNull(registry, "registry");
    this.readerSchema = type == null ? null : SpecificData.get().getSchema(type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = registry == null ? new AvroSerdeConfig(configs) : AvroSerdeConfig.forSharedClient(configs);
    if (registry == null) {
      registry = SchemaRegistryClient.builder().config(config).build();
      ownsRegistry = true;
    }
    if (readerSchema == null && config.specificType(isKey) != null) {
      readerSchema = SpecificData.get().getSchema(config.specificType(isKey));
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer is not configured: call configure() or pass a registry client");
    }
    if (data.length < WireFormat.HEADER_SIZE) {
      throw new SerdeException(topic, null, SerdeException.Reason.TRUNCATED_HEADER,
          data.length + " bytes; the Confluent wire format needs at least 5 (magic byte 0x00 + 4-byte schema id)", null);
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw new SerdeException(topic, null, SerdeException.Reason.UNKNOWN_MAGIC_BYTE,
          String.format("first byte is 0x%02x; the Confluent wire format starts with 0x00", data[0] & 0xff), null);
    }
    int id = WireFormat.schemaId(data);
    Resolution<T> resolution = resolution(topic, id);
    if (resolution.reader() == null) {
      throw new SerdeException(topic, id, SerdeException.Reason.INCOMPATIBLE_SCHEMA, resolution.incompatibility(), null);
    }
    BinaryDecoder decoder = DecoderFactory.get()
        .binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, DECODERS.get());
    DECODERS.set(decoder);
    T record;
    try {
      record = resolution.reader().read(null, decoder);
    } catch (IOException | RuntimeException e) {
      // EOFException: truncated body; AvroRuntimeException / index errors: garbage
      throw new SerdeException(topic, id, SerdeException.Reason.MALFORMED_BODY,
          "Avro body (" + (data.length - WireFormat.HEADER_SIZE) + " bytes) does not decode with writer schema "
              + resolution.reader().getSchema().getFullName() + ": " + e, e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new SerdeException(topic, id, SerdeException.Reason.MALFORMED_BODY,
            "bytes left over after the record: the body is longer than its schema allows", null);
      }
    } catch (IOException e) {
      throw new SerdeException(topic, id, SerdeException.Reason.MALFORMED_BODY, e.toString(), e);
    }
    return record;
  }

  private Resolution<T> resolution(String topic, int id) {
    Resolution<T> known = readersByWriterId.get(id);
    if (known != null) {
      return known;
    }
    Schema writer;
    try {
      writer = registry.schemaById(id);
    } catch (SchemaRegistryException e) {
      // only "not found" condemns the bytes; any other failure (down, 401, 500) may pass
      SerdeException.Reason reason = e.isNotFound()
          ? SerdeException.Reason.UNKNOWN_SCHEMA_ID
          : SerdeException.Reason.REGISTRY_UNAVAILABLE;
      throw new SerdeException(topic, id, reason, e.getMessage(), e);
    }
    Schema reader = readerSchema != null ? readerSchema : readerFor(topic, id, writer);
    SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    Resolution<T> resolution = switch (compatibility.getType()) {
      case COMPATIBLE -> new Resolution<>(new SpecificDatumReader<>(writer, reader), null);
      default -> new Resolution<>(null, "writer schema " + writer.getFullName() + " (id " + id
          + ") cannot be read as " + reader.getFullName() + ": " + compatibility.getResult().getIncompatibilities());
    };
    Resolution<T> raced = readersByWriterId.putIfAbsent(id, resolution);
    return raced != null ? raced : resolution;
  }

  /** Without a configured type: the generated class the writer schema names (Confluent's behaviour). */
  private Schema readerFor(String topic, int id, Schema writer) {
    Class<?> type;
    try {
      type = SpecificData.get().getClass(writer);
    } catch (RuntimeException e) { // SecurityException for untrusted names included
      type = null;
    }
    if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
      throw new SerdeException(topic, id, SerdeException.Reason.INCOMPATIBLE_SCHEMA,
          "no generated class for writer schema " + writer.getFullName()
              + "; configure " + AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, null);
    }
    return SpecificData.get().getSchema(type);
  }

  @Override
  public void close() {
    if (ownsRegistry && registry != null) {
      registry.close();
    }
  }
}
