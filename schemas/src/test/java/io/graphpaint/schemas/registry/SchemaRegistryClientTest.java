package io.graphpaint.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.schemas.testing.InMemoryRegistryServer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's HTTP protocol and caching, against an in-memory registry that records requests. */
class SchemaRegistryClientTest {

  private InMemoryRegistryServer server;
  private SchemaRegistryClient client;

  @BeforeEach
  void start() throws Exception {
    server = new InMemoryRegistryServer();
    client = SchemaRegistryClient.create(server.url());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void registersOncePerSchemaAndServesIdsFromCache() {
    Schema schema = GenerationRequest.getClassSchema();
    int id = client.register("graphpaint.requests-value", schema);
    for (int i = 0; i < 999; i++) {
      assertThat(client.register("graphpaint.requests-value", schema)).isEqualTo(id);
    }
    assertThat(client.schemaById(id)).isEqualTo(schema); // filled by the registration
    assertThat(client.httpCalls()).isEqualTo(1);
    assertThat(server.requests()).hasSize(1);
    InMemoryRegistryServer.Request request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/subjects/graphpaint.requests-value/versions");
    assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(request.accept()).startsWith("application/vnd.schemaregistry.v1+json");
    assertThat(request.body()).isEqualTo("{\"schema\":" + quoted(schema.toString()) + "}");
  }

  @Test
  void registrationIsTriedAgainAfterAnInternalErrorButNotAfterARefusal() {
    server.failNext(2, 500);
    int id = client.register("retry-value", SceneGraph.getClassSchema());
    assertThat(client.schemaById(id)).isEqualTo(SceneGraph.getClassSchema());
    assertThat(server.requests()).hasSize(3);

    server.failNext(3, 500);
    assertThatThrownBy(() -> client.register("retry-value", GenerationRequest.getClassSchema()))
        .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("500");
    assertThat(server.requests()).hasSize(6);

    server.failNext(1, 422);
    assertThatThrownBy(() -> client.register("other-value", GenerationRequest.getClassSchema()))
        .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("422");
    assertThat(server.requests()).hasSize(7);
  }

  @Test
  void schemaByIdIsFetchedOnceByAnotherClient() {
    int id = client.register("t-value", SceneGraph.getClassSchema());
    try (SchemaRegistryClient reader = SchemaRegistryClient.create(server.url())) {
      for (int i = 0; i < 100; i++) {
        assertThat(reader.schemaById(id)).isEqualTo(SceneGraph.getClassSchema());
      }
      assertThat(reader.httpCalls()).isEqualTo(1);
    }
    assertThat(server.requests()).extracting(InMemoryRegistryServer.Request::path)
        .containsExactly("/subjects/t-value/versions", "/schemas/ids/" + id);
  }

  @Test
  void errorsSayWhatWasAskedAndWhatTheRegistryAnswered() {
    SchemaRegistryException unknownId = catchThrowableOfType(SchemaRegistryException.class, () -> client.schemaById(4242));
    assertThat(unknownId.schemaId()).hasValue(4242);
    assertThat(unknownId.subject()).isNull();
    assertThat(unknownId.httpStatus()).isEqualTo(404);
    assertThat(unknownId.errorCode()).isEqualTo(40403);
    assertThat(unknownId.registryMessage()).isEqualTo("Schema 4242 not found");
    assertThat(unknownId.isNotFound()).isTrue();
    assertThat(unknownId.isRetriable()).isFalse();
    assertThat(unknownId).hasMessage(
        "Schema registry get schema by id for schema id 4242 failed: HTTP 404, error_code 40403: Schema 4242 not found");

    SchemaRegistryException unknownSubject = catchThrowableOfType(SchemaRegistryException.class, () -> client.latest("nobody-value"));
    assertThat(unknownSubject.subject()).isEqualTo("nobody-value");
    assertThat(unknownSubject.errorCode()).isEqualTo(40401);
    assertThat(unknownSubject).hasMessageContaining("for subject 'nobody-value'").hasMessageContaining("HTTP 404");
  }

  @Test
  void missingIdsAreRememberedOnlyWhenConfigured() {
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> client.schemaById(777)).isInstanceOf(SchemaRegistryException.class);
    }
    assertThat(client.httpCalls()).as("default: ask every time").isEqualTo(3);
    try (SchemaRegistryClient remembering = SchemaRegistryClient.create(
        Map.of("schema.registry.url", server.url(), "missing.id.cache.ttl.sec", 60))) {
      for (int i = 0; i < 3; i++) {
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> remembering.schemaById(777));
        assertThat(e.errorCode()).isEqualTo(40403);
      }
      assertThat(remembering.httpCalls()).isEqualTo(1);
    }
  }

  @Test
  void failuresAreNotCached() {
    assertThatThrownBy(() -> client.idOf("s-value", SceneGraph.getClassSchema())).isInstanceOf(SchemaRegistryException.class);
    int registered = client.register("s-value", SceneGraph.getClassSchema());
    assertThat(client.idOf("s-value", SceneGraph.getClassSchema())).isEqualTo(registered);
  }

  @Test
  void incompatibleRegistrationCarriesTheRegistrysReason() {
    Schema v1 = SchemaBuilder.record("Thing").namespace("test").fields().requiredString("name").endRecord();
    Schema v2 = SchemaBuilder.record("Thing").namespace("test").fields().requiredString("name")
        .requiredInt("size").endRecord();
    client.register("things-value", v1);

    CompatibilityResult check = client.testCompatibility("things-value", v2);
    assertThat(check.compatible()).isFalse();
    assertThat(check.messages()).anySatisfy(m -> assertThat(m).contains("size"));

    SchemaRegistryException refused = catchThrowableOfType(SchemaRegistryException.class, () -> client.register("things-value", v2));
    assertThat(refused.isIncompatible()).isTrue();
    assertThat(refused.subject()).isEqualTo("things-value");
    assertThat(refused.registryMessage()).contains("incompatible").contains("size");

    client.setCompatibility("things-value", CompatibilityLevel.NONE);
    assertThat(client.subjectCompatibility("things-value")).contains(CompatibilityLevel.NONE);
    assertThat(client.register("things-value", v2)).isPositive();
    assertThat(client.latest("things-value").schema()).isEqualTo(v2);
    assertThat(client.latest("things-value").version()).isEqualTo(2);
  }

  @Test
  void subjectWithoutVersionsAcceptsAnySchemaAndHasNoOwnCompatibility() {
    assertThat(client.testCompatibility("fresh-value", SceneGraph.getClassSchema()).compatible()).isTrue();
    assertThat(client.subjectCompatibility("fresh-value")).isEqualTo(Optional.empty());
  }

  @Test
  void sendsBasicAuthFromUserInfoOrUrl() {
    String header = "Basic " + Base64.getEncoder().encodeToString("ana:s3cret:x".getBytes(StandardCharsets.UTF_8));
    server.requireAuthorization(header);
    assertThatThrownBy(() -> client.register("a-value", SceneGraph.getClassSchema()))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401));

    try (SchemaRegistryClient withUserInfo = SchemaRegistryClient.create(Map.of(
        "schema.registry.url", server.url(), "basic.auth.credentials.source", "USER_INFO",
        "basic.auth.user.info", "ana:s3cret:x"))) {
      assertThat(withUserInfo.register("a-value", SceneGraph.getClassSchema())).isPositive();
    }
    try (SchemaRegistryClient withUrl = SchemaRegistryClient.create(Map.of(
        "schema.registry.url", "http://ana:s3cret%3Ax@127.0.0.1:" + server.port(),
        "basic.auth.credentials.source", "URL"))) {
      assertThat(withUrl.register("b-value", SceneGraph.getClassSchema())).isPositive();
    }
  }

  @Test
  void failsOverToTheNextUrlAndReportsUnreachableRegistries() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (SchemaRegistryClient twoUrls = SchemaRegistryClient.create(
        Map.of("schema.registry.url", "http://127.0.0.1:" + closedPort + "," + server.url()))) {
      assertThat(twoUrls.register("c-value", SceneGraph.getClassSchema())).isPositive();
      assertThat(twoUrls.httpCalls()).isEqualTo(2);
    }
    try (SchemaRegistryClient nowhere = SchemaRegistryClient.create("http://127.0.0.1:" + closedPort)) {
      SchemaRegistryException down = catchThrowableOfType(SchemaRegistryException.class, () -> nowhere.schemaById(1));
      assertThat(down.httpStatus()).isEqualTo(SchemaRegistryException.UNREACHABLE);
      assertThat(down.isRetriable()).isTrue();
      assertThat(down).hasMessageStartingWith("Schema registry get schema by id for schema id 1 failed: no registry reachable");
    }
  }

  @Test
  void keepsTheBasePathOfTheUrl() throws Exception {
    try (SchemaRegistryClient prefixed = SchemaRegistryClient.create(server.url() + "/apis/ccompat/v7/")) {
      assertThatThrownBy(() -> prefixed.schemaById(7)).isInstanceOf(SchemaRegistryException.class);
    }
    assertThat(server.requests().get(0).path()).isEqualTo("/apis/ccompat/v7/schemas/ids/7");
  }

  @Test
  void boundsTheSchemasCachedPerSubject() {
    Schema[] schemas = new Schema[3];
    for (int i = 0; i < 3; i++) {
      schemas[i] = SchemaBuilder.record("Thing" + i).namespace("test").fields().optionalString("name").endRecord();
    }
    try (SchemaRegistryClient bounded = SchemaRegistryClient.create(
        Map.of("schema.registry.url", server.url(), "max.schemas.per.subject", 2))) {
      bounded.setCompatibility("bounded-value", CompatibilityLevel.NONE);
      bounded.register("bounded-value", schemas[0]);
      bounded.register("bounded-value", schemas[1]);
      assertThat(bounded.register("bounded-value", schemas[0])).as("cached schemas still answer").isPositive();
      assertThatThrownBy(() -> bounded.register("bounded-value", schemas[2]))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("max.schemas.per.subject = 2").hasMessageContaining("bounded-value");
    }
  }

  @Test
  void refusesBadConfiguration() {
    assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
    assertThatThrownBy(() -> SchemaRegistryClient.create("localhost:8081"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("must start with http:// or https://");
    assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of("schema.registry.url", "http://x", "basic.auth.user.info", "nopassword")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("user:password").hasMessageNotContaining("nopassword");
    assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of("schema.registry.url", "https://x",
        "schema.registry.ssl.truststore.location", "does-not-exist.p12")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.ssl.truststore.location");
  }

  private static String quoted(String text) {
    return new com.fasterxml.jackson.databind.node.TextNode(text).toString();
  }
}
