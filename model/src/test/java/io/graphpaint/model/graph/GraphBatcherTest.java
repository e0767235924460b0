package io.graphpaint.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphBatcherTest {

  @Test
  void batchesWithGlobalObjectIndicesAndImageMaps() {
    Vocabulary vocab = Vocabulary.of(List.of("a", "b", "c"), List.of("left of", "above"), List.of());
    SceneGraph first = SceneGraph.of(List.of("a", "b"), List.of(new Relationship(0, "left of", 1)));
    SceneGraph second = SceneGraph.of(List.of("c", "a", "b"),
        List.of(new Relationship(2, "above", 0), new Relationship(1, "left of", 2)));
    try (NDManager manager = NDManager.newBaseManager();
        GraphBatch batch = GraphBatcher.batch(List.of(first, second), vocab, manager)) {
      assertThat(batch.numGraphs()).isEqualTo(2);
      assertThat(batch.objs().getDataType()).isEqualTo(DataType.INT64);
      assertThat(batch.triples().getShape()).isEqualTo(new Shape(8, 3));
      // graph 0: a b __image__ ; graph 1: c a b __image__
      assertThat(batch.objs().toLongArray()).containsExactly(1, 2, 0, 3, 1, 2, 0);
      assertThat(batch.objToImg().toLongArray()).containsExactly(0, 0, 0, 1, 1, 1, 1);
      assertThat(batch.triples().toLongArray()).containsExactly(
          0, 1, 1, // a left of b
          0, 0, 2, 1, 0, 2, // in image
          5, 2, 3, // b above c (offset 3)
          4, 1, 5, // a left of b
          3, 0, 6, 4, 0, 6, 5, 0, 6);
      assertThat(batch.tripleToImg().toLongArray()).containsExactly(0, 0, 0, 1, 1, 1, 1, 1);
      assertThat(batch.tripleToImg().getDataType()).isEqualTo(DataType.INT64);
    }
  }
}
