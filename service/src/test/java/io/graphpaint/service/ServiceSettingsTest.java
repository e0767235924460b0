package io.graphpaint.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
