package io.graphpaint.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {

  private static ImageEvaluation evaluation(String id, int objects, int found, int relations, int held) {
    return new ImageEvaluation(id, objects, found, relations, held, held, true, found, 0,
        List.of(), List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void aGraphCountsAsSatisfiedOnlyWhenEverySampleSatisfiesIt() {
    List<ImageEvaluation> evaluations = List.of(
        evaluation("g1_0.png", 3, 3, 2, 2), evaluation("g1_1.png", 3, 3, 2, 2), // both right
        evaluation("g2_0.png", 3, 3, 2, 2), evaluation("g2_1.png", 3, 2, 2, 2), // one misses an object
        evaluation("g3_0.png", 2, 2, 1, 0), evaluation("g3_1.png", 2, 2, 1, 1)); // one breaks a relation
    List<String> graphs = List.of("g1", "g2", "g3", "g4"); // g4 has no images: not satisfied
    assertThat(ModelBenchmark.allSamplesSatisfied(evaluations, graphs, 2)).isEqualTo(0.25);
    assertThat(ModelBenchmark.allSamplesSatisfied(List.of(evaluation("g1", 2, 2, 1, 1)), List.of("g1"), 1))
        .isEqualTo(1.0);
  }

  @Test
  void optionsNameTheFlagAndItsRange() {
    ModelBenchmark.Options options = ModelBenchmark.Options.parse(
        "--dataset", "d", "--model", "full=m1", "--model", "text=m2", "--guidance", "1,1.5", "--limit", "10");
    assertThat(options.models()).containsOnlyKeys("full", "text");
    assertThat(options.models().get("text")).isEqualTo(Path.of("m2"));
    assertThat(options.guidance()).containsExactly(1.0, 1.5);
    assertThat(options.splits()).containsExactly("test", "test_unseen");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "m", "--out", "o"))
        .hasMessageContaining("--model takes NAME=DIR");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--samples", "9"))
        .hasMessageContaining("--samples must be within [1, 8]");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--steps", "0"))
        .hasMessageContaining("--steps must be within [1, 1000]");
  }
}
