package io.graphpaint.schemas.serde;

import io.graphpaint.schemas.EventClasses;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.registry.SchemaRegistryException;
import io.graphpaint.schemas.registry.Subjects;
import java.io.ByteArrayOutputStream;
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
  /** subject -> id of the latest version, for use.latest.version. */
  private final ConcurrentMap<String, Integer> latestIds = new ConcurrentHashMap<>();

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public AvroSerializer() {}

  /** A value serializer over a shared registry client (not closed by {@link #close()}). */
  public AvroSerializer(SchemaRegistryClient registry, Map<String, ?> configs, boolean isKey) {
    this.registry = Objects.requireNonNull(registry, "registry");
    apply(new AvroSerdeConfig(withPlaceholderUrl(configs)), isKey);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
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
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      byte[] header = new byte[WireFormat.HEADER_SIZE];
      WireFormat.writeHeader(header, id);
      out.write(header);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerdeException(topic, id, SerdeException.Reason.ENCODE_FAILED,
          "cannot encode " + schema.getFullName() + ": " + e, e);
    }
  }

  private int schemaId(String topic, Schema schema) {
    String subject = Subjects.subject(topic, isKey);
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

  /** The URL key is required by the config but unused when a client is passed in. */
  static Map<String, Object> withPlaceholderUrl(Map<String, ?> configs) {
    Map<String, Object> copy = new java.util.HashMap<>(configs);
    copy.putIfAbsent(AvroSerdeConfig.URL, "http://registry.client.passed.in");
    return copy;
  }
}
