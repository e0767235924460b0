package io.graphpaint.schemas.serde;

import io.graphpaint.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroSerializer} and {@link AvroDeserializer} as one Kafka {@link Serde}, named like
 * Confluent's, so that Kafka Streams configurations ({@code default.value.serde}) carry over.
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** For reflective construction; {@link #configure} must follow. */
  public SpecificAvroSerde() {
    this.serializer = new AvroSerializer<>();
    this.deserializer = new AvroDeserializer<>();
  }

  /**
   * A ready serde over a shared client (not closed by {@link #close()}).
   *
   * @param type reader class of the deserializer
   * @param configs serde settings ({@code auto.register.schemas}, ...); the URL may be left out
   */
  public SpecificAvroSerde(SchemaRegistryClient registry, Class<T> type, Map<String, ?> configs, boolean isKey) {
    this.serializer = new AvroSerializer<>(registry, configs, isKey);
    this.deserializer = new AvroDeserializer<>(registry, type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
