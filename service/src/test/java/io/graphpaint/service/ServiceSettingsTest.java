package io.graphpaint.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServiceSettingsTest {

  private static final ConfigDef DEFINITION = new ConfigDef()
      .define("svc.batch.size", Type.INT, 8, Range.between(1, 64), Importance.HIGH, "batch")
      .define("svc.name", Type.STRING, "x", Importance.LOW, "name");

  @Test
  void theEnvironmentOverridesPropertiesAndKafkaSettingsPassThrough() {
    ServiceSettings settings = ServiceSettings.parse(DEFINITION, "svc.", "SVC_", "test service",
        Map.of("svc.batch.size", "4", "svc.name", "from-props", "svc.kafka.client.security.protocol", "SSL",
            "unrelated.key", "ignored"),
        Map.of("SVC_BATCH_SIZE", "16", "SVC_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN", "PATH", "/bin"));
    assertThat(settings.values()).containsEntry("svc.batch.size", "16").containsEntry("svc.name", "from-props")
        .doesNotContainKey("unrelated.key");
    assertThat(settings.kafkaPassthrough()).containsEntry("security.protocol", "SSL")
        .containsEntry("sasl.mechanism", "PLAIN").hasSize(2);
  }

  @Test
  void everyUnknownKeyAndInvalidValueIsListedInOneException() {
    assertThatThrownBy(() -> ServiceSettings.parse(DEFINITION, "svc.", "SVC_", "test service",
        Map.of("svc.bach.size", "4"), Map.of("SVC_BATCH_SIZE", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Invalid test service configuration (2 problems):")
        .hasMessageContaining("Unknown configuration svc.bach.size (from property); known keys: svc.batch.size, svc.name,"
            + " and Kafka client settings under svc.kafka.client.")
        .hasMessageContaining("svc.batch.size");
  }

  @Test
  void anInstanceIdIsTheConfiguredOneOrHostAndPid() {
    assertThat(ServiceSettings.instanceId("worker-7", "fallback")).isEqualTo("worker-7");
    assertThat(ServiceSettings.instanceId(" ", "fallback"))
        .endsWith("-" + ProcessHandle.current().pid()).matches("[A-Za-z0-9._-]+");
  }

  @Test
  void systemPropertiesAreTakenByPrefix() {
    System.setProperty("graphpaint.test-service.port", "81");
    System.setProperty("graphpaint.test-servicex", "other");
    try {
      assertThat(ServiceSettings.systemProperties("graphpaint.test-service."))
          .containsExactly(Map.entry("graphpaint.test-service.port", "81"));
    } finally {
      System.clearProperty("graphpaint.test-service.port");
      System.clearProperty("graphpaint.test-servicex");
    }
  }

  /** A main whose configuration fails prints the message alone and exits with status 2. */
  @Test
  void aBadConfigurationEndsTheProcessWithStatusTwoAndItsMessage() throws Exception {
    assertThat(ServiceSettings.orExit(() -> "fine")).isEqualTo("fine");
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        BadConfigurationMain.class.getName())
        .redirectErrorStream(false)
        .start();
    assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String err = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(err.strip()).isEqualTo("Invalid value -1 for configuration port: must be at least 0");
  }

  /** Run in a child JVM by the test above. */
  public static final class BadConfigurationMain {
    public static void main(String[] args) {
      ServiceSettings.orExit(() -> {
        throw new ConfigException("port", -1, "must be at least 0");
      });
      System.out.println("not reached");
    }
  }
}
