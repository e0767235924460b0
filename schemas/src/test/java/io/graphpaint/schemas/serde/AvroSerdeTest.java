package io.graphpaint.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.testing.EvolutionSchemas;
import io.graphpaint.schemas.testing.InMemoryRegistryServer;
import io.graphpaint.schemas.testing.SampleRequests;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The serdes against an in-memory registry; the real-registry paths are in the integration tests. */
class AvroSerdeTest {

  private static final String TOPIC = Topic.REQUESTS.topicName();
  private InMemoryRegistryServer server;
  private SchemaRegistryClient writerRegistry;
  private SchemaRegistryClient readerRegistry;
  private AvroSerializer<GenerationRequest> serializer;
  private AvroDeserializer<GenerationRequest> deserializer;

  @BeforeEach
  void start() throws Exception {
    server = new InMemoryRegistryServer();
    writerRegistry = SchemaRegistryClient.create(server.url());
    readerRegistry = SchemaRegistryClient.create(server.url());
    serializer = new AvroSerializer<>(writerRegistry, Map.of(), false);
    deserializer = new AvroDeserializer<>(readerRegistry, GenerationRequest.class);
  }

  @AfterEach
  void stop() {
    writerRegistry.close();
    readerRegistry.close();
    server.close();
  }

  @Test
  void roundTripsAndCostsOneRegistryCallPerSideForAThousandRecords() {
    for (int n = 0; n < 1000; n++) {
      GenerationRequest request = SampleRequests.request(n);
      assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, request))).isEqualTo(request);
    }
    assertThat(writerRegistry.httpCalls()).as("serializer: one registration").isEqualTo(1);
    assertThat(readerRegistry.httpCalls()).as("deserializer: one schema fetch").isEqualTo(1);
    assertThat(server.requests()).extracting(InMemoryRegistryServer.Request::method)
        .containsExactly("POST", "GET");
  }

  @Test
  void tombstonesStayNull() {
    assertThat(serializer.serialize(TOPIC, null)).isNull();
    assertThat(deserializer.deserialize(TOPIC, null)).isNull();
  }

  @Test
  void corruptInputRaisesTypedErrors() {
    byte[] good = serializer.serialize(TOPIC, SampleRequests.request(2));
    int id = WireFormat.schemaId(good);

    for (int length = 0; length < 5; length++) {
      SerdeException e = serdeError(Arrays.copyOf(good, length));
      assertThat(e.reason()).isEqualTo(SerdeException.Reason.TRUNCATED_HEADER);
      assertThat(e.topic()).isEqualTo(TOPIC);
      assertThat(e.schemaId()).isEmpty();
    }

    byte[] wrongMagic = good.clone();
    wrongMagic[0] = 1;
    SerdeException magic = serdeError(wrongMagic);
    assertThat(magic.reason()).isEqualTo(SerdeException.Reason.UNKNOWN_MAGIC_BYTE);
    assertThat(magic).hasMessageContaining("0x01");

    byte[] unknownId = good.clone();
    WireFormat.writeHeader(unknownId, 987654);
    SerdeException unknown = serdeError(unknownId);
    assertThat(unknown.reason()).isEqualTo(SerdeException.Reason.UNKNOWN_SCHEMA_ID);
    assertThat(unknown.schemaId()).hasValue(987654);
    assertThat(unknown).hasMessageContaining("40403");
    assertThat(unknown.isRetriable()).isFalse();

    for (int length = 5; length < good.length; length++) {
      SerdeException truncated = serdeError(Arrays.copyOf(good, length));
      assertThat(truncated.reason()).as("cut at %d of %d", length, good.length)
          .isEqualTo(SerdeException.Reason.MALFORMED_BODY);
      assertThat(truncated.schemaId()).hasValue(id);
    }

    SerdeException trailing = serdeError(Arrays.copyOf(good, good.length + 1));
    assertThat(trailing.reason()).isEqualTo(SerdeException.Reason.MALFORMED_BODY);
    assertThat(trailing).hasMessageContaining("left over");
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButSerdeException() {
    int id = WireFormat.schemaId(serializer.serialize(TOPIC, SampleRequests.request(0)));
    Random random = new Random(42);
    int decoded = 0;
    for (int trial = 0; trial < 2000; trial++) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      if (trial % 2 == 0 && bytes.length >= 5) {
        WireFormat.writeHeader(bytes, id); // a valid header over a random body
      }
      try {
        GenerationRequest request = deserializer.deserialize(TOPIC, bytes);
        assertThat(request).isNotNull();
        decoded++;
      } catch (SerdeException expected) {
        assertThat(expected.reason()).isNotNull();
      }
    }
    assertThat(decoded).as("random bodies that happen to be valid records").isLessThan(20);
  }

  @Test
  void registryOutageIsRetriableNotCorrupt() throws Exception {
    byte[] good = serializer.serialize(TOPIC, SampleRequests.request(1));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (SchemaRegistryClient down = SchemaRegistryClient.create("http://127.0.0.1:" + closedPort);
        AvroDeserializer<GenerationRequest> reader = new AvroDeserializer<>(down, GenerationRequest.class)) {
      SerdeException e = catchThrowableOfType(SerdeException.class, () -> reader.deserialize(TOPIC, good));
      assertThat(e.reason()).isEqualTo(SerdeException.Reason.REGISTRY_UNAVAILABLE);
      assertThat(e.isRetriable()).isTrue();
    }
  }

  @Test
  void oldWritersRecordsReadAsTheNewClassWithDefaults() {
    int oldId = writerRegistry.register("graphpaint.requests-value", EvolutionSchemas.previousRequestSchema());
    byte[] oldBytes = EvolutionSchemas.confluentBytes(oldId, EvolutionSchemas.previousRequest("old-1"));

    GenerationRequest read = deserializer.deserialize(TOPIC, oldBytes);

    GenerationRequest expected = GenerationRequest.newBuilder()
        .setRequestId("old-1")
        .setGraph(SceneGraph.newBuilder()
            .setObjects(List.of(
                SceneObject.newBuilder().setLabel("red circle").setAttributes(List.of()).build(),
                SceneObject.newBuilder().setLabel("blue square").setAttributes(List.of("small")).build()))
            .setRelationships(List.of(Relationship.newBuilder().setSubject(0).setPredicate("left of").setObject(1).build()))
            .build())
        .setNumImages(2).setSeed(7L).setSteps(null).setGuidanceScale(null).setSize(32)
        .setModelVersion(null) // default of the new field
        .setSubmittedAt(Instant.parse("2026-01-02T03:04:05Z"))
        .setTags(Map.of()) // default of the new field
        .build();
    assertThat(read).isEqualTo(expected);
    // and the new schema registers as the next version (BACKWARD)
    assertThat(serializer.serialize(TOPIC, SampleRequests.request(3))).isNotNull();
  }

  @Test
  void writerSchemaTheReaderCannotResolveIsReportedWithTheReason() {
    int id = writerRegistry.register("other-value", ModelPublished.getClassSchema());
    byte[] bytes = new byte[] {0, 0, 0, 0, 0, 2, 'm', 2, 'v', 2, 'u', 0, 0, 0, 0, 0};
    WireFormat.writeHeader(bytes, id);
    SerdeException e = serdeError(bytes);
    assertThat(e.reason()).isEqualTo(SerdeException.Reason.INCOMPATIBLE_SCHEMA);
    assertThat(e).hasMessageContaining("ModelPublished").hasMessageContaining("GenerationRequest");
  }

  @Test
  void incompatibleSchemaIsRefusedWithTheRegistrysReason() {
    serializer.serialize(TOPIC, SampleRequests.request(0));
    assertThatThrownBy(() -> writerRegistry.register("graphpaint.requests-value", EvolutionSchemas.incompatibleRequestSchema()))
        .hasMessageContaining("graphpaint.requests-value").hasMessageContaining("HTTP 409").hasMessageContaining("priority");
  }

  @Test
  void withoutAutoRegisterTheSchemaMustAlreadyBeThere() {
    try (AvroSerializer<GenerationRequest> lookupOnly =
        new AvroSerializer<>(writerRegistry, Map.of("auto.register.schemas", false), false)) {
      SerdeException missing = catchThrowableOfType(SerdeException.class,
          () -> lookupOnly.serialize(TOPIC, SampleRequests.request(0)));
      assertThat(missing.reason()).isEqualTo(SerdeException.Reason.SCHEMA_REJECTED);
      assertThat(missing).hasMessageContaining("graphpaint.requests-value").hasMessageContaining("40401");

      int id = readerRegistry.register("graphpaint.requests-value", GenerationRequest.getClassSchema());
      byte[] bytes = lookupOnly.serialize(TOPIC, SampleRequests.request(0));
      assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
    }
    assertThat(server.requests()).extracting(r -> r.method() + " " + r.path()).containsExactly(
        "POST /subjects/graphpaint.requests-value",
        "POST /subjects/graphpaint.requests-value/versions",
        "POST /subjects/graphpaint.requests-value");
  }

  @Test
  void useLatestVersionWritesWithTheLatestId() {
    int id = readerRegistry.register("graphpaint.requests-value", GenerationRequest.getClassSchema());
    try (AvroSerializer<GenerationRequest> latest = new AvroSerializer<>(writerRegistry,
        Map.of("auto.register.schemas", "false", "use.latest.version", "true"), false)) {
      assertThat(WireFormat.schemaId(latest.serialize(TOPIC, SampleRequests.request(0)))).isEqualTo(id);
      latest.serialize(TOPIC, SampleRequests.request(1));
    }
    assertThat(writerRegistry.httpCalls()).isEqualTo(1);
  }

  @Test
  void kafkaCanBuildTheSerdesFromConfiguration() {
    Map<String, Object> configs = new HashMap<>();
    configs.put("schema.registry.url", server.url());
    configs.put("specific.avro.value.type", GenerationRequest.class.getName());
    try (SpecificAvroSerde<GenerationRequest> serde = new SpecificAvroSerde<>()) {
      serde.configure(configs, false);
      GenerationRequest request = SampleRequests.request(5);
      assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, request))).isEqualTo(request);
    }
    // without a configured type: the class the writer schema names
    try (AvroSerializer<GenerationRequest> writer = new AvroSerializer<>();
        AvroDeserializer<GenerationRequest> reader = new AvroDeserializer<>()) {
      writer.configure(Map.of("schema.registry.url", server.url()), false);
      reader.configure(Map.of("schema.registry.url", server.url()), false);
      GenerationRequest request = SampleRequests.request(6);
      assertThat(reader.deserialize(TOPIC, writer.serialize(TOPIC, request))).isEqualTo(request);
    }
    // keys go to <topic>-key
    try (AvroSerializer<SceneGraph> keys = new AvroSerializer<>(writerRegistry, Map.of(), true)) {
      keys.serialize("graphs", SampleRequests.graph(0));
    }
    assertThat(server.requests()).anySatisfy(r -> assertThat(r.path()).isEqualTo("/subjects/graphs-key/versions"));
  }

  @Test
  void serdesOverASharedClientNeedNoUrlWhenConfigured() {
    try (SpecificAvroSerde<GenerationRequest> serde = new SpecificAvroSerde<>(writerRegistry, GenerationRequest.class, Map.of(), false)) {
      serde.configure(Map.of("auto.register.schemas", "false"), false);
      SerdeException e = catchThrowableOfType(SerdeException.class, () -> serde.serializer().serialize(TOPIC, SampleRequests.request(0)));
      assertThat(e.reason()).as("the new setting applies").isEqualTo(SerdeException.Reason.SCHEMA_REJECTED);
    }
  }

  @Test
  void unsupportedConfluentSettingsAreRefusedNotIgnored() {
    assertThatThrownBy(() -> new AvroSerializer<GenerationRequest>().configure(Map.of("schema.registry.url", server.url(),
        "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("only TopicNameStrategy");
    assertThatThrownBy(() -> new AvroDeserializer<GenerationRequest>().configure(Map.of("schema.registry.url", server.url(),
        "specific.avro.reader", "false"), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("specific.avro.reader");
  }

  @Test
  void topicSerdesAreTypedByTheCatalogue() {
    Serde<GenerationRequest> serde = AvroSerdes.forTopic(Topic.REQUESTS, GenerationRequest.class, writerRegistry, Map.of());
    GenerationRequest request = SampleRequests.request(9);
    assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, request))).isEqualTo(request);
    assertThatThrownBy(() -> AvroSerdes.forTopic(Topic.RESULTS, GenerationRequest.class, writerRegistry, Map.of()))
        .hasMessage("Topic graphpaint.results holds GenerationResult, not GenerationRequest");
  }

  @Test
  void encodingFailuresAreTyped() {
    GenerationRequest broken = SampleRequests.request(0);
    broken.setRequestId(null); // generated setters do not validate
    SerdeException e = catchThrowableOfType(SerdeException.class, () -> serializer.serialize(TOPIC, broken));
    assertThat(e.reason()).isEqualTo(SerdeException.Reason.ENCODE_FAILED);
    assertThat(e).isInstanceOf(SerializationException.class);
  }

  private SerdeException serdeError(byte[] bytes) {
    return catchThrowableOfType(SerdeException.class, () -> deserializer.deserialize(TOPIC, bytes));
  }
}
