package io.graphpaint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.EmbeddedSchemaRegistry;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted development registry gives the saved schemas their old ids back, so records and
 * state stores written before the restart still decode; on real registries, not mocks.
 */
class RegistrySnapshotTest {

  @TempDir
  Path data;

  @Test
  void idsSurviveARestartOfTheInMemoryRegistry() throws Exception {
    Schema evolved = SchemaBuilder.record("Probe").namespace("io.graphpaint.test").fields()
        .requiredString("a").optionalString("b").endRecord();
    int requestId;
    int modelsId;
    int probeId;
    List<RegistrySnapshot.Entry> before;
    try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start();
        SchemaRegistryClient client = SchemaRegistryClient.create(first.url())) {
      // an unrelated registration first, so the ids under test are not simply 1, 2, 3
      client.register("other-value", SchemaBuilder.record("Other").fields().requiredInt("x").endRecord());
      requestId = client.register(Topic.REQUESTS.valueSubject(), GenerationRequest.getClassSchema());
      modelsId = client.register(Topic.MODELS.valueSubject(), ModelPublished.getClassSchema());
      probeId = client.register("probe-value", evolved);
      before = RegistrySnapshot.read(first.url());
      RegistrySnapshot.save(first.url(), data);
    }
    assertThat(before).extracting(RegistrySnapshot.Entry::id).isSorted().contains(requestId, modelsId, probeId);

    try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start();
        SchemaRegistryClient client = SchemaRegistryClient.create(second.url())) {
      assertThat(RegistrySnapshot.restore(second.url(), data)).as("ids that changed").isEmpty();
      assertThat(client.schemaById(requestId)).isEqualTo(GenerationRequest.getClassSchema());
      assertThat(client.schemaById(modelsId)).isEqualTo(ModelPublished.getClassSchema());
      assertThat(client.schemaById(probeId)).isEqualTo(evolved);
      assertThat(RegistrySnapshot.read(second.url())).isEqualTo(before);
    }
  }

  @Test
  void nothingSavedMeansNothingToRestore() throws Exception {
    assertThat(RegistrySnapshot.restore("http://127.0.0.1:9/unused", data)).isEmpty();
  }
}
