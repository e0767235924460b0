package io.graphpaint.schemas.serde;

import io.graphpaint.schemas.EventClasses;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.registry.SchemaRegistryException;
import io.graphpaint.schemas.registry.Subjects;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro specific records in the Confluent wire format ({@link WireFormat}), byte for byte what
 * Confluent's {@code KafkaAvroSerializer} writes, so that Confluent clients read graphpaint's topics
 * and the other way round.
 *
 * <p>The writer schema (the record's own schema) is registered under the topic-name subject
 * ({@code <topic>-value} or {@code <topic>-key}) on first use, or only looked up when
 * {@code auto.register.schemas=false}; ids are cached by the registry client, so a topic costs one
 * registry call per schema, not per record. Thread-safe, as the producer requires.
 *
 * <p>Kafka can create it from configuration (no-argument constructor, then {@link #configure});
 * services pass a shared {@link SchemaRegistryClient} instead.
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  static {
    EventClasses.trust();
  }

  private SchemaRegistryClient registry;
  private boolean ownsRegistry;
  private boolean isKey;
  private boolean autoRegister = true;
  private boolean useLatestVersion;
  private final ConcurrentMap<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, String> subjectsByTopic = new ConcurrentHashMap<>();
  /** subject -> id of the latest version, for use.latest.version. */
  private final ConcurrentMap<String, Integer> latestIds = new ConcurrentHashMap<>();

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public AvroSerializer() {}

  /**
   * A serializer over a shared registry client (not closed by {@link #close()}).
   *
   * @param configs serde settings such as {@code auto.register.schemas}; the URL may be left out
   * @param isKey true to register under {@code <topic>-key}, false for {@code <topic>-value}
   */
  public AvroSerializer(SchemaRegistryClient registry, Map<String, ?> configs, boolean isKey) {
    this.registry = Objects.requireNonNull(registry, "registry");
    apply(AvroSerdeConfig.forSharedClient(configs), isKey);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = registry == null ? new AvroSerdeConfig(configs) : AvroSerdeConfig.forSharedClient(configs);
    if (registry == null) {
      registry = SchemaRegistryClient.builder().config(config).build();
      ownsRegistry = true;
    }
    apply(config, isKey);
  }

  private void apply(AvroSerdeConfig config, boolean isKey) {
    this.isKey = isKey;
    this.autoRegister = config.autoRegisterSchemas();
    this.useLatestVersion = config.useLatestVersion();
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null; // a tombstone stays a tombstone
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer is not configured: call configure() or pass a registry client");
    }
    Schema schema = record.getSchema();
    int id = schemaId(topic, schema);
    EncodeBuffer buffer = BUFFERS.get();
    try {
      buffer.out.reset();
      buffer.out.write(WireFormat.MAGIC_BYTE);
      buffer.out.write(id >>> 24);
      buffer.out.write(id >>> 16);
      buffer.out.write(id >>> 8);
      buffer.out.write(id);
      buffer.encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
      writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(record, buffer.encoder);
      buffer.encoder.flush();
      return buffer.out.toByteArray();
    } catch (IOException | RuntimeException e) {
      BUFFERS.remove(); // the encoder may hold half a record

      throw new SerdeException(topic, id, SerdeException.Reason.ENCODE_FAILED,
          "cannot encode " + schema.getFullName() + ": " + e, e);
    } finally {
      buffer.out.shrinkIfLarge();
    }
  }

  /** A per-thread output buffer and encoder, reused across records (the producer may call from many threads). */
  private static final ThreadLocal<EncodeBuffer> BUFFERS = ThreadLocal.withInitial(EncodeBuffer::new);

  private static final class EncodeBuffer {
    final ReusableOutputStream out = new ReusableOutputStream();
    BinaryEncoder encoder;
  }

  /** An unsynchronised byte array stream; {@code ByteArrayOutputStream} locks on every byte. */
  private static final class ReusableOutputStream extends java.io.OutputStream {
    private static final int INITIAL = 512;
    private static final int KEEP_AT_MOST = 1 << 20;
    private byte[] bytes = new byte[INITIAL];
    private int size;

    void reset() {
      size = 0;
    }

    @Override
    public void write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
      ensure(length);
      System.arraycopy(source, offset, bytes, size, length);
      size += length;
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(bytes, size);
    }

    /** A rare huge record should not pin its buffer to the thread for good. */
    void shrinkIfLarge() {
      if (bytes.length > KEEP_AT_MOST) {
        bytes = new byte[INITIAL];
        size = 0;
      }
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }
  }

  private int schemaId(String topic, Schema schema) {
    String subject = subjectsByTopic.computeIfAbsent(topic, t -> Subjects.subject(t, isKey));
    try {
      if (autoRegister) {
        return registry.register(subject, schema);
      }
      if (useLatestVersion) {
        return latestIds.computeIfAbsent(subject, s -> registry.latest(s).id());
      }
      return registry.idOf(subject, schema);
    } catch (SchemaRegistryException e) {
      SerdeException.Reason reason = e.isRetriable()
          ? SerdeException.Reason.REGISTRY_UNAVAILABLE
          : SerdeException.Reason.SCHEMA_REJECTED;
      throw new SerdeException(topic, null, reason, (autoRegister ? "registering " : "looking up ")
          + schema.getFullName() + " under subject '" + subject + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (ownsRegistry && registry != null) {
      registry.close();
    }
  }
}
