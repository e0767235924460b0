package io.graphpaint.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.events.GenerationRequest;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.testing.InMemoryRegistryServer;
import io.graphpaint.schemas.testing.ReferenceAvroEncoder;
import io.graphpaint.schemas.testing.SampleRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Byte-level interoperability with Confluent's serializers: the bytes Confluent's
 * {@code KafkaAvroSerializer} would write (built here by hand from the public wire format and the
 * Avro specification) decode with graphpaint's deserializer, and graphpaint's serializer writes
 * exactly those bytes.
 */
class ConfluentWireFormatTest {

  private static final String TOPIC = "graphpaint.requests";
  private InMemoryRegistryServer server;
  private SchemaRegistryClient registry;

  @BeforeEach
  void start() throws Exception {
    server = new InMemoryRegistryServer();
    registry = SchemaRegistryClient.create(server.url());
  }

  @AfterEach
  void stop() {
    registry.close();
    server.close();
  }

  @Test
  void serializerWritesWhatConfluentWrites() {
    try (AvroSerializer<GenerationRequest> serializer = new AvroSerializer<>(registry, java.util.Map.of(), false)) {
      for (int n = 0; n < 12; n++) {
        GenerationRequest request = SampleRequests.request(n);
        byte[] written = serializer.serialize(TOPIC, request);
        int id = registry.idOf("graphpaint.requests-value", GenerationRequest.getClassSchema());
        assertThat(written).isEqualTo(ReferenceAvroEncoder.confluentRecord(id, request));
      }
    }
  }

  @Test
  void deserializerReadsWhatConfluentWrites() {
    // an upstream producer registered the schema (through its own client) and wrote records
    int id;
    try (SchemaRegistryClient upstream = SchemaRegistryClient.create(server.url())) {
      id = upstream.register("graphpaint.requests-value", GenerationRequest.getClassSchema());
    }
    try (AvroDeserializer<GenerationRequest> deserializer = new AvroDeserializer<>(registry, GenerationRequest.class)) {
      for (int n = 0; n < 12; n++) {
        GenerationRequest request = SampleRequests.request(n);
        byte[] confluentBytes = ReferenceAvroEncoder.confluentRecord(id, request);
        assertThat(deserializer.deserialize(TOPIC, confluentBytes)).isEqualTo(request);
      }
    }
  }

  @Test
  void headerIsMagicByteThenBigEndianId() {
    byte[] header = new byte[5];
    WireFormat.writeHeader(header, 0x01020304);
    assertThat(header).containsExactly(0, 1, 2, 3, 4);
    WireFormat.writeHeader(header, 0xCAFEBABE);
    assertThat(WireFormat.schemaId(header)).isEqualTo(0xCAFEBABE);
  }
}
