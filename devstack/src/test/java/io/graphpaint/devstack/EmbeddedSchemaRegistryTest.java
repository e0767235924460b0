package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

@WithDevStack(scope = WithDevStack.Scope.SUITE)
class EmbeddedSchemaRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final String REQUEST_V1 = """
            {"type":"record","name":"Request","namespace":"io.graphpaint.test","fields":[
              {"name":"requestId","type":"string"}]}""";
    /** A new field without a default: old records cannot be read with it, so BACKWARD must refuse it. */
    private static final String REQUEST_INCOMPATIBLE = """
            {"type":"record","name":"Request","namespace":"io.graphpaint.test","fields":[
              {"name":"requestId","type":"string"},{"name":"numImages","type":"int"}]}""";
    /** The same field with a default: BACKWARD-compatible. */
    private static final String REQUEST_V2 = """
            {"type":"record","name":"Request","namespace":"io.graphpaint.test","fields":[
              {"name":"requestId","type":"string"},{"name":"numImages","type":"int","default":1}]}""";

    @Test
    void registeredSchemaIsServedByIdAndRegisteringItAgainGivesTheSameId(EmbeddedSchemaRegistry registry) throws Exception {
        String subject = "graphpaint.test-by-id-value";
        HttpResponse<String> registered = post(registry.url() + "/subjects/" + subject + "/versions", Map.of("schema", REQUEST_V1));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int id = JSON.readTree(registered.body()).get("id").asInt();

        HttpResponse<String> byId = get(registry.url() + "/schemas/ids/" + id);
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(JSON.readTree(byId.body()).get("schema").asText())).isEqualTo(JSON.readTree(REQUEST_V1));

        HttpResponse<String> again = post(registry.url() + "/subjects/" + subject + "/versions", Map.of("schema", REQUEST_V1));
        assertThat(JSON.readTree(again.body()).get("id").asInt()).isEqualTo(id);
        assertThat(get(registry.url() + "/subjects").body()).contains(subject);
    }

    @Test
    void backwardCompatibilityRefusesANewFieldWithoutADefaultAndAcceptsOneWithADefault(EmbeddedSchemaRegistry registry) throws Exception {
        String subject = "graphpaint.test-compat-value";
        assertThat(post(registry.url() + "/subjects/" + subject + "/versions", Map.of("schema", REQUEST_V1)).statusCode()).isEqualTo(200);
        HttpResponse<String> config = put(registry.url() + "/config/" + subject, Map.of("compatibility", "BACKWARD"));
        assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
        assertThat(JSON.readTree(config.body()).get("compatibility").asText()).isEqualTo("BACKWARD");

        HttpResponse<String> check = post(registry.url() + "/compatibility/subjects/" + subject + "/versions/latest",
                Map.of("schema", REQUEST_INCOMPATIBLE));
        assertThat(JSON.readTree(check.body()).get("is_compatible").asBoolean()).isFalse();

        HttpResponse<String> refused = post(registry.url() + "/subjects/" + subject + "/versions", Map.of("schema", REQUEST_INCOMPATIBLE));
        assertThat(refused.statusCode()).isEqualTo(409);
        JsonNode reason = JSON.readTree(refused.body());
        assertThat(reason.get("message").asText()).contains("Incompatible").contains("numImages");

        HttpResponse<String> accepted = post(registry.url() + "/subjects/" + subject + "/versions", Map.of("schema", REQUEST_V2));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        JsonNode latest = JSON.readTree(get(registry.url() + "/subjects/" + subject + "/versions/latest").body());
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(JSON.readTree(accepted.body()).get("id").asInt());
        assertThat(JSON.readTree(latest.get("schema").asText())).isEqualTo(JSON.readTree(REQUEST_V2));
    }

    @Test
    void closeKillsTheProcessAndFreesThePort() throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
        ProcessHandle process = ProcessHandle.of(registry.pid()).orElseThrow();
        assertThat(get(registry.url() + "/subjects").statusCode()).isEqualTo(200);
        assertThat(registry.startupMillis()).isPositive();

        registry.close();
        assertThat(process.isAlive()).isFalse();
        assertThat(registry.isRunning()).isFalse();
        assertThatThrownBy(() -> get(registry.url() + "/subjects")).isInstanceOf(ConnectException.class);
        registry.close(); // twice is fine
    }

    @Test
    void aMissingJarIsReportedWithTheCommandThatBuildsIt() {
        String previous = System.getProperty(EmbeddedSchemaRegistry.JAR_PROPERTY);
        System.setProperty(EmbeddedSchemaRegistry.JAR_PROPERTY, Path.of("no-such-dir", "registry-runner.jar").toString());
        try {
            assertThatThrownBy(EmbeddedSchemaRegistry::locateRunnerJar)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("system property graphpaint.registry.jar")
                    .hasMessageContaining("mvn -pl devstack/registry-app package");
        } finally {
            if (previous == null) {
                System.clearProperty(EmbeddedSchemaRegistry.JAR_PROPERTY);
            } else {
                System.setProperty(EmbeddedSchemaRegistry.JAR_PROPERTY, previous);
            }
        }
        assertThat(EmbeddedSchemaRegistry.locateRunnerJar().getFileName().toString())
                .startsWith("graphpaint-registry-app").endsWith("-runner.jar");
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, Map<String, String> body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(String url, Map<String, String> body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
