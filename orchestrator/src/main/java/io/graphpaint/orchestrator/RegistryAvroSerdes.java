package io.graphpaint.orchestrator;

import io.graphpaint.orchestrator.status.AvroSerdes;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Confluent wire-format serdes over the schema registry: what the orchestrator runs with. */
public final class RegistryAvroSerdes implements AvroSerdes {

  private final SchemaRegistryClient registry;

  public RegistryAvroSerdes(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public <T extends SpecificRecord> Serde<T> forValue(Class<T> type) {
    return io.graphpaint.schemas.serde.AvroSerdes.value(registry, type);
  }
}
