package io.graphpaint.trainingworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TrainingWorkerConfigTest {

  @Test
  void defaultsAreDeclaredOnce() {
    TrainingWorkerConfig config = TrainingWorkerConfig.from(Map.of(), Map.of());
    JobSettings job = config.jobSettings();
    assertThat(job.maxSteps()).isEqualTo(2_000);
    assertThat(job.alignmentSteps()).isEqualTo(400);
    assertThat(job.fineTuningSteps()).isEqualTo(1_600);
    assertThat(job.maxWallTime()).isEqualTo(Duration.ofHours(1));
    assertThat(config.groupId()).isEqualTo("graphpaint-training-workers");
    assertThat(TrainingWorkerConfig.configDef().names()).contains(TrainingWorkerConfig.MAX_STEPS);
    // unset: each model is evaluated with its own default guidance, as it would be served
    assertThat(job.evalGuidance()).isNull();
  }

  @Test
  void evalGuidanceIsUnsetOrWithinRange() {
    assertThat(TrainingWorkerConfig.from(Map.of(TrainingWorkerConfig.EVAL_GUIDANCE, "2.5"), Map.of())
        .jobSettings().evalGuidance()).isEqualTo(2.5);
    assertThatThrownBy(() -> TrainingWorkerConfig.from(Map.of(TrainingWorkerConfig.EVAL_GUIDANCE, "31"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("graphpaint.training.eval.guidance")
        .hasMessageContaining("Value must be no more than 30");
  }

  @Test
  void environmentOverridesProperties() {
    TrainingWorkerConfig config = TrainingWorkerConfig.from(
        Map.of(TrainingWorkerConfig.MAX_STEPS, "10", TrainingWorkerConfig.EVAL_FEATURES, "pixels"),
        Map.of("GRAPHPAINT_TRAINING_MAX_STEPS", "123", "GRAPHPAINT_TRAINING_MAX_WALL_TIME_MS", "60000",
            "GRAPHPAINT_TRAINING_KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL", "UNRELATED", "x"));
    assertThat(config.jobSettings().maxSteps()).isEqualTo(123);
    assertThat(config.jobSettings().maxWallTime()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.jobSettings().evalFeatures()).isEqualTo("pixels");
    assertThat(config.kafkaClientSettings()).containsEntry("security.protocol", "SSL");
    assertThat(config.toString()).doesNotContain("SSL");
  }

  @Test
  void everyInvalidFieldIsReportedInOneMessage() {
    assertThatThrownBy(() -> TrainingWorkerConfig.from(
        Map.of(TrainingWorkerConfig.MAX_STEPS, "-5", TrainingWorkerConfig.EVAL_FEATURES, "inception",
            "graphpaint.training.max.step", "3"),
        Map.of("GRAPHPAINT_TRAINING_GATE_FID_TOLERANCE", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("4 problems")
        .hasMessageContaining("graphpaint.training.max.steps")
        .hasMessageContaining("Value must be at least 2")
        .hasMessageContaining("graphpaint.training.eval.features")
        .hasMessageContaining("one of: clip, pixels")
        .hasMessageContaining("Unknown configuration graphpaint.training.max.step")
        .hasMessageContaining("Invalid value lots for configuration graphpaint.training.gate.fid.tolerance");
  }
}
