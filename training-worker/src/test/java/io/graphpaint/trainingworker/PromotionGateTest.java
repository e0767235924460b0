package io.graphpaint.trainingworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromotionGateTest {

  private final PromotionGate gate = new PromotionGate(0.02, 0.10);

  @Test
  void promotesWithinTolerance() {
    PromotionGate.Decision decision = gate.decide(Map.of("relation_accuracy", 0.49, "fid", 10.9),
        Map.of("relation_accuracy", 0.50, "fid", 10.0));
    assertThat(decision.promote()).isTrue();
    assertThat(decision.reasons()).isEmpty();
  }

  @Test
  void refusesWorseRelationsOrFidWithReasons() {
    PromotionGate.Decision decision = gate.decide(Map.of("relation_accuracy", 0.47, "fid", 11.1),
        Map.of("relation_accuracy", 0.50, "fid", 10.0));
    assertThat(decision.promote()).isFalse();
    assertThat(decision.reasons()).hasSize(2);
    assertThat(decision.reasons().get(0)).contains("relation accuracy 0.4700", "0.5000");
    assertThat(decision.reasons().get(1)).contains("FID 11.1000", "10.0000");
  }

  @Test
  void metricsTheBaseLacksAreNotCompared() {
    assertThat(gate.decide(Map.of("relation_accuracy", 0.1), Map.of()).promote()).isTrue();
    assertThat(gate.decide(Map.of("relation_accuracy", 0.6), Map.of("relation_accuracy", 0.5, "fid", 3.0)).promote())
        .isFalse();
  }

  @Test
  void toleranceRangesAreChecked() {
    assertThatThrownBy(() -> new PromotionGate(1.5, 0)).hasMessageContaining("within [0, 1]");
    assertThatThrownBy(() -> new PromotionGate(0, -1)).hasMessageContaining(">= 0");
  }
}
