package io.graphpaint.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class OrchestratorConfigTest {

  @Test
  void defaultsApplyAndEnvironmentOverridesTheFile() {
    OrchestratorConfig config = OrchestratorConfig.load(
        Map.of("graphpaint.kafka.bootstrap.servers", "file:9092", "graphpaint.http.port", "8081"),
        Map.of("GRAPHPAINT_HTTP_PORT", "9090", "GRAPHPAINT_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
            "GRAPHPAINT_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL", "UNRELATED", "x"));
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.bootstrapServers()).isEqualTo("env:9092");
    assertThat(config.maxBodyBytes()).isEqualTo(256 * 1024);
    assertThat(config.maxObjects()).isEqualTo(32);
    assertThat(config.authToken()).isEmpty();
    assertThat(config.ssePollInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.kafkaClientProperties())
        .containsEntry("bootstrap.servers", "env:9092")
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void everyInvalidValueIsReportedAtOnceAndSecretsAreNotEchoed() {
    assertThatThrownBy(() -> OrchestratorConfig.load(Map.of(
            "graphpaint.http.port", "70000",
            "graphpaint.http.max.body.bytes", "12",
            "graphpaint.graph.max.objects", "lots",
            "graphpaint.streams.threads", "0"),
        Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("5 invalid configuration value(s)")
        .hasMessageContaining("Invalid value 70000 for configuration graphpaint.http.port (env GRAPHPAINT_HTTP_PORT): Value must be no more than 65535")
        .hasMessageContaining("Invalid value 70000 for configuration graphpaint.http.port (env GRAPHPAINT_HTTP_PORT)")
        .hasMessageContaining("Invalid value 12 for configuration graphpaint.http.max.body.bytes")
        .hasMessageContaining("Invalid value lots for configuration graphpaint.graph.max.objects")
        .hasMessageContaining("graphpaint.kafka.bootstrap.servers")
        .message().doesNotContain("s3cret");
  }

  @Test
  void tokenComesFromTheEnvironment() {
    OrchestratorConfig config = OrchestratorConfig.load(Map.of("graphpaint.kafka.bootstrap.servers", "k:9092"),
        Map.of("GRAPHPAINT_HTTP_AUTH_TOKEN", "t0ken"));
    assertThat(config.authToken()).hasValue("t0ken");
    assertThat(config.toString()).doesNotContain("t0ken");
  }

  @Test
  void envNamesFollowTheKeys() {
    assertThat(OrchestratorConfig.envName("graphpaint.http.max.body.bytes")).isEqualTo("GRAPHPAINT_HTTP_MAX_BODY_BYTES");
  }
}
