package io.graphpaint.schemas.serde;

import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes of graphpaint's topics over one shared registry client. */
public final class AvroSerdes {
  private AvroSerdes() {}

  /** Value serde of {@code type} (auto-registering, Confluent defaults otherwise). */
  public static <T extends SpecificRecord> Serde<T> value(SchemaRegistryClient registry, Class<T> type) {
    return value(registry, type, Map.of());
  }

  /** Value serde of {@code type} with serde settings such as {@code auto.register.schemas=false}. */
  public static <T extends SpecificRecord> Serde<T> value(SchemaRegistryClient registry, Class<T> type,
      Map<String, ?> configs) {
    return new SpecificAvroSerde<>(registry, type, configs, false);
  }

  /**
   * The value serde of {@code topic}, typed by its catalogue entry; e.g.
   * {@code Serde<GenerationRequest> serde = AvroSerdes.forTopic(Topic.REQUESTS, GenerationRequest.class, registry, Map.of())}.
   *
   * @throws IllegalArgumentException when {@code type} is not the topic's value type (or the topic
   *     holds raw bytes)
   */
  public static <T extends SpecificRecord> Serde<T> forTopic(Topic topic, Class<T> type,
      SchemaRegistryClient registry, Map<String, ?> configs) {
    if (topic.valueType() == null || !topic.valueType().equals(type)) {
      throw new IllegalArgumentException("Topic " + topic.topicName() + " holds "
          + (topic.valueType() == null ? "raw bytes" : topic.valueType().getSimpleName())
          + ", not " + type.getSimpleName());
    }
    return value(registry, type, configs);
  }

  /** Keys are UTF-8 strings on every graphpaint topic. */
  public static Serde<String> key() {
    return Serdes.String();
  }
}
