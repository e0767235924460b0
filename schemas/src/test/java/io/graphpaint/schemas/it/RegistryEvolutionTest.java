package io.graphpaint.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.schemas.registry.CompatibilityLevel;
import io.graphpaint.schemas.registry.CompatibilityResult;
import io.graphpaint.schemas.registry.RegisteredSchema;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.registry.SchemaRegistryException;
import io.graphpaint.schemas.serde.AvroDeserializer;
import io.graphpaint.schemas.serde.AvroSerializer;
import io.graphpaint.schemas.serde.SerdeException;
import io.graphpaint.schemas.serde.WireFormat;
import io.graphpaint.schemas.testing.EvolutionSchemas;
import io.graphpaint.schemas.testing.ReferenceAvroEncoder;
import io.graphpaint.schemas.testing.SampleRequests;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The client and serdes against the real registry of the devstack. */
@WithDevStack(scope = WithDevStack.Scope.SUITE, parts = {DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY})
class RegistryEvolutionTest {

  private static final AtomicInteger TOPICS = new AtomicInteger();

  /** A fresh topic (and so subject) per test: the registry outlives the test class. */
  private static String freshTopic(String name) {
    return "evolution-" + name + "-" + TOPICS.incrementAndGet() + "-" + System.nanoTime();
  }

  @Test
  void previousVersionsRecordsReadWithTheNewSchema(DevStack stack) {
    String topic = freshTopic("backward");
    String subject = topic + "-value";
    try (SchemaRegistryClient registry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
        AvroDeserializer<GenerationRequest> deserializer = new AvroDeserializer<>(registry, GenerationRequest.class);
        AvroSerializer<GenerationRequest> serializer = new AvroSerializer<>(registry, Map.of(), false)) {
      registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
      int oldId = registry.register(subject, EvolutionSchemas.previousRequestSchema());
      byte[] oldRecord = EvolutionSchemas.confluentBytes(oldId, EvolutionSchemas.previousRequest("before-upgrade"));

      CompatibilityResult check = registry.testCompatibility(subject, GenerationRequest.getClassSchema());
      assertThat(check.compatible()).as("%s", check.messages()).isTrue();
      byte[] newRecord = serializer.serialize(topic, SampleRequests.request(4));
      int newId = WireFormat.schemaId(newRecord);
      assertThat(newId).isNotEqualTo(oldId);
      RegisteredSchema latest = registry.latest(subject);
      assertThat(latest.id()).isEqualTo(newId);
      assertThat(latest.version()).isEqualTo(2);
      assertThat(latest.schema()).isEqualTo(GenerationRequest.getClassSchema());

      GenerationRequest old = deserializer.deserialize(topic, oldRecord);
      assertThat(old.getRequestId()).isEqualTo("before-upgrade");
      assertThat(old.getGraph().getObjects()).hasSize(2);
      assertThat(old.getSeed()).isEqualTo(7L);
      assertThat(old.getSize()).isEqualTo(32);
      assertThat(old.getSubmittedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
      assertThat(old.getModelVersion()).as("new field, default").isNull();
      assertThat(old.getTags()).as("new field, default").isEmpty();
      assertThat(deserializer.deserialize(topic, newRecord)).isEqualTo(SampleRequests.request(4));
    }
  }

  @Test
  void incompatibleChangeIsRefusedWithTheRegistrysReason(DevStack stack) {
    String topic = freshTopic("incompatible");
    String subject = topic + "-value";
    try (SchemaRegistryClient registry = SchemaRegistryClient.create(stack.schemaRegistryUrl())) {
      registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
      assertThat(registry.subjectCompatibility(subject)).contains(CompatibilityLevel.BACKWARD);
      registry.register(subject, GenerationRequest.getClassSchema());
      Schema incompatible = EvolutionSchemas.incompatibleRequestSchema();

      CompatibilityResult check = registry.testCompatibility(subject, incompatible);
      // Apicurio's ccompat API answers without reasons here; Confluent's lists them (verbose=true)
      assertThat(check.compatible()).isFalse();

      SchemaRegistryException refused = catchThrowableOfType(SchemaRegistryException.class,
          () -> registry.register(subject, incompatible));
      assertThat(refused.subject()).isEqualTo(subject);
      assertThat(refused.httpStatus()).isEqualTo(409);
      assertThat(refused.isIncompatible()).isTrue();
      assertThat(refused.registryMessage()).as("the registry names the offending field").contains("priority");
      assertThat(refused).hasMessageContaining(subject).hasMessageContaining("HTTP 409")
          .hasMessageContaining(refused.registryMessage());

      // through a serializer the registry's reason reaches the producer as a typed error
      try (AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(registry, Map.of(), false)) {
        SerdeException e = catchThrowableOfType(SerdeException.class,
            () -> serializer.serialize(topic, new IncompatibleRequest(incompatible)));
        assertThat(e.reason()).isEqualTo(SerdeException.Reason.SCHEMA_REJECTED);
        assertThat(e).hasMessageContaining(refused.registryMessage());
      }
    }
  }

  @Test
  void confluentBytesReadAndCorruptBytesAreTypedAgainstTheRealRegistry(DevStack stack) {
    String topic = freshTopic("corrupt");
    try (SchemaRegistryClient registry = SchemaRegistryClient.create(stack.schemaRegistryUrl());
        AvroDeserializer<GenerationRequest> deserializer = new AvroDeserializer<>(registry, GenerationRequest.class)) {
      int id = registry.register(topic + "-value", GenerationRequest.getClassSchema());
      byte[] good = ReferenceAvroEncoder.confluentRecord(id, SampleRequests.request(8));
      assertThat(deserializer.deserialize(topic, good)).isEqualTo(SampleRequests.request(8));

      byte[] wrongMagic = good.clone();
      wrongMagic[0] = 0x7f;
      assertThat(reason(deserializer, topic, wrongMagic)).isEqualTo(SerdeException.Reason.UNKNOWN_MAGIC_BYTE);
      byte[] unknownId = good.clone();
      WireFormat.writeHeader(unknownId, 2_000_000_000);
      SerdeException unknown = catchThrowableOfType(SerdeException.class, () -> deserializer.deserialize(topic, unknownId));
      assertThat(unknown.reason()).isEqualTo(SerdeException.Reason.UNKNOWN_SCHEMA_ID);
      assertThat(unknown.schemaId()).hasValue(2_000_000_000);
      assertThat(unknown).hasMessageContaining("HTTP 404");
      assertThat(reason(deserializer, topic, Arrays.copyOf(good, good.length - 3))).isEqualTo(SerdeException.Reason.MALFORMED_BODY);
      assertThat(reason(deserializer, topic, new byte[] {0, 0})).isEqualTo(SerdeException.Reason.TRUNCATED_HEADER);
      Random random = new Random(7);
      for (int trial = 0; trial < 200; trial++) {
        byte[] bytes = new byte[5 + random.nextInt(100)];
        random.nextBytes(bytes);
        WireFormat.writeHeader(bytes, id);
        try {
          deserializer.deserialize(topic, bytes);
        } catch (SerdeException expected) {
          assertThat(expected.schemaId()).hasValue(id);
        }
      }
      assertThat(registry.httpCalls()).as("register + one lookup of the unknown id").isEqualTo(2);
    }
  }

  private static SerdeException.Reason reason(AvroDeserializer<GenerationRequest> deserializer, String topic, byte[] bytes) {
    return catchThrowableOfType(SerdeException.class, () -> deserializer.deserialize(topic, bytes)).reason();
  }

  /** A record of a schema that has no generated class, as an incompatible producer would write. */
  private static final class IncompatibleRequest extends org.apache.avro.specific.SpecificRecordBase {
    private final Schema schema;

    IncompatibleRequest(Schema schema) {
      this.schema = schema;
    }

    @Override
    public Schema getSchema() {
      return schema;
    }

    @Override
    public Object get(int field) {
      throw new UnsupportedOperationException("never encoded: the registry refuses the schema first");
    }

    @Override
    public void put(int field, Object value) {
      throw new UnsupportedOperationException();
    }
  }
}
