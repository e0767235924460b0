package io.graphpaint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  @Test
  void defaultsAreUsableAndDocumented() {
    WorkerConfig config = WorkerConfig.from(Map.of(), Map.of());
    assertThat(config.groupId()).isEqualTo("graphpaint-workers");
    assertThat(config.batchMaxSize()).isEqualTo(8);
    assertThat(config.groupInstanceId()).isNull();
    assertThat(config.limits().maxImages()).isEqualTo(8);
    assertThat(config.device()).isEqualTo("auto");
    assertThat(config.wholeBatchUNet()).isFalse();
    assertThat(WorkerConfig.configDef().configKeys().values()).allSatisfy(key ->
        assertThat(key.documentation).as("doc of %s", key.name).isNotBlank());
  }

  @Test
  void environmentOverridesProperties() {
    WorkerConfig config = WorkerConfig.from(
        Map.of(WorkerConfig.BATCH_MAX_SIZE, "4", WorkerConfig.GROUP_INSTANCE_ID, "pod-1"),
        Map.of("GRAPHPAINT_WORKER_BATCH_MAX_SIZE", "16", "GRAPHPAINT_WORKER_DEVICE", "gpu:1", "PATH", "/bin",
            "GRAPHPAINT_WORKER_BATCH_UNET_WHOLE", "true"));
    assertThat(config.batchMaxSize()).isEqualTo(16);
    assertThat(config.wholeBatchUNet()).isTrue();
    assertThat(config.device()).isEqualTo("gpu:1");
    assertThat(config.groupInstanceId()).isEqualTo("pod-1");
  }

  @Test
  void everyInvalidFieldIsReportedInOneMessage() {
    assertThatThrownBy(() -> WorkerConfig.from(Map.of(WorkerConfig.BATCH_MAX_SIZE, "0",
            WorkerConfig.DEVICE, "tpu", WorkerConfig.PROGRESS_FRACTION, "2.5", "graphpaint.worker.bach.size", "3"),
        Map.of("GRAPHPAINT_WORKER_LIMIT_IMAGES", "nine")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("5 problems")
        .hasMessageContaining("graphpaint.worker.batch.max.size")
        .hasMessageContaining("Value must be at least 1")
        .hasMessageContaining("graphpaint.worker.device").hasMessageContaining("auto, cpu or gpu:N")
        .hasMessageContaining("graphpaint.worker.progress.fraction")
        .hasMessageContaining("graphpaint.worker.limit.images")
        .hasMessageContaining("Unknown configuration graphpaint.worker.bach.size");
  }

  @Test
  void kafkaSecretsPassThroughButAreNeverPrinted() {
    WorkerConfig config = WorkerConfig.from(Map.of(), Map.of(
        "GRAPHPAINT_WORKER_KAFKA_CLIENT_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cr3t\";",
        "GRAPHPAINT_WORKER_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL"));
    assertThat(config.kafkaClientSettings()).containsEntry("security.protocol", "SASL_SSL")
        .containsKey("sasl.jaas.config").containsEntry("bootstrap.servers", "localhost:9092");
    assertThat(config.toString()).doesNotContain("s3cr3t").contains("sasl.jaas.config");
  }
}
