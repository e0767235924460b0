package io.graphpaint.trainingworker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.model.data.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** EXTEND: new names get the next ids, and the grown model keeps every learned weight. */
class VocabularyGrowthTest {

  @Test
  void extendAppendsAfterTheLargestIds() {
    Vocabulary base = ShapesWorld.vocabulary();
    Vocabulary grown = DatasetReader.extend(base, new LinkedHashSet<>(java.util.List.of("teal star", "gold moon")),
        Set.of("touching"), Set.of("shiny"));
    assertThat(grown.objectIndex("teal star")).isEqualTo(base.numObjectIds());
    assertThat(grown.objectIndex("gold moon")).isEqualTo(base.numObjectIds() + 1);
    assertThat(grown.predicateIndex("touching")).isEqualTo(base.numPredicateIds());
    assertThat(grown.attributeIndex("shiny")).isZero();
    for (String label : base.objectLabels()) {
      assertThat(grown.objectIndex(label)).isEqualTo(base.objectIndex(label));
    }
    for (String predicate : base.predicates()) {
      assertThat(grown.predicateIndex(predicate)).isEqualTo(base.predicateIndex(predicate));
    }
  }

  @Test
  void grownModelKeepsEveryWeightAndTheOldEmbeddingRows() throws Exception {
    Path directory = Files.createTempDirectory("graphpaint-grow").resolve("model");
    TrainingFixture.writeTinyModel(directory);
    Vocabulary base = ShapesWorld.vocabulary();
    Vocabulary grown = DatasetReader.extend(base, Set.of("teal star"), Set.of("touching"), Set.of());
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = ModelDirectory.load(directory, manager);
        GraphPaintModel bigger = TrainingJob.grow(model, grown, manager)) {
      Map<String, ai.djl.nn.Parameter> before = model.parameters().all();
      Map<String, ai.djl.nn.Parameter> after = bigger.parameters().all();
      assertThat(after.keySet()).isEqualTo(before.keySet());
      int changedShapes = 0;
      for (String name : before.keySet()) {
        NDArray old = before.get(name).getArray();
        NDArray now = after.get(name).getArray();
        if (old.getShape().equals(now.getShape())) {
          assertThat(now.toFloatArray()).as(name).containsExactly(old.toFloatArray());
        } else {
          changedShapes++;
          assertThat(now.getShape().get(0)).as(name).isEqualTo(old.getShape().get(0) + 1);
          NDArray kept = now.get(new NDIndex("0:{}", old.getShape().get(0)));
          assertThat(kept.toFloatArray()).as(name).containsExactly(old.toFloatArray());
        }
      }
      assertThat(changedShapes).isEqualTo(2); // object and predicate embedding tables
      assertThat(bigger.vocabulary()).isEqualTo(grown);
    }
  }
}
