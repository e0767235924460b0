package io.graphpaint.orchestrator.status;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Where the topology gets its value serdes from. In production the Confluent wire-format serde of
 * the schemas module (registry-backed); in topology tests any Avro serde will do.
 */
public interface AvroSerdes {

  /** A serde for values of {@code type}, configured for record values (not keys). */
  <T extends SpecificRecord> Serde<T> forValue(Class<T> type);
}
