/**
 * Kafka serdes of Avro specific records in the Confluent wire format (magic byte 0x00, 4-byte
 * big-endian schema id, Avro binary), interchangeable with Confluent's {@code KafkaAvroSerializer}
 * and {@code KafkaAvroDeserializer}:
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.create("http://registry:8081");
 * Serde<GenerationRequest> requests =
 *     AvroSerdes.forTopic(Topic.REQUESTS, GenerationRequest.class, registry, Map.of());
 * }</pre>
 *
 * Undecodable input raises {@link io.graphpaint.schemas.serde.SerdeException} with a reason and
 * DLQ headers; {@link io.graphpaint.schemas.serde.SerdeBenchmark} measures the cost per record.
 */
package io.graphpaint.schemas.serde;
