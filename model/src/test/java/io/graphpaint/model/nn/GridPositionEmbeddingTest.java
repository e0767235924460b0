package io.graphpaint.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridPositionEmbeddingTest {

  /** ViT-MAE's get_2d_sincos_pos_embed at width 8: frequencies 1 and 10000^(-1/2) per axis. */
  @Test
  void valuesAreMaesSineCosineEmbeddingColumnFirstInRowMajorOrder() {
    GridPositionEmbedding embedding = new GridPositionEmbedding(8);
    float[] table = embedding.table(3, 4);
    assertThat(table).hasSize(3 * 4 * 8);
    int x = 3;
    int y = 2;
    int row = (y * 4 + x) * 8;
    double[] expected = {
      Math.sin(x), Math.sin(x * 0.01), Math.cos(x), Math.cos(x * 0.01),
      Math.sin(y), Math.sin(y * 0.01), Math.cos(y), Math.cos(y * 0.01)
    };
    for (int c = 0; c < 8; c++) {
      assertThat((double) table[row + c]).as("channel %d", c).isCloseTo(expected[c], within(1e-6));
    }
    // the origin: every sine 0, every cosine 1
    assertThat(java.util.Arrays.copyOfRange(table, 0, 8)).containsExactly(0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f);
  }

  @Test
  void everyPixelOfAGridHasItsOwnEmbeddingAndMirroredPixelsDiffer() {
    GridPositionEmbedding embedding = new GridPositionEmbedding(64);
    float[] table = embedding.table(16, 16);
    Set<List<Float>> distinct = new HashSet<>();
    for (int token = 0; token < 16 * 16; token++) {
      List<Float> values = new java.util.ArrayList<>();
      for (int c = 0; c < 64; c++) {
        values.add(table[token * 64 + c]);
      }
      distinct.add(values);
    }
    assertThat(distinct).hasSize(256);
    // a pixel and its mirror image across the vertical axis differ in the column half only
    int left = 5 * 16 + 2;
    int right = 5 * 16 + 13;
    float columnDifference = 0;
    for (int c = 0; c < 32; c++) {
      columnDifference += Math.abs(table[left * 64 + c] - table[right * 64 + c]);
    }
    assertThat(columnDifference).isGreaterThan(1f);
    for (int c = 32; c < 64; c++) {
      assertThat(table[left * 64 + c]).isEqualTo(table[right * 64 + c]);
    }
  }

  @Test
  void embedGivesTheTableAsOneRowPerToken() {
    GridPositionEmbedding embedding = new GridPositionEmbedding(16);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray array = embedding.embed(manager, 8, 4);
      assertThat(array.getShape()).isEqualTo(new Shape(1, 32, 16));
      assertThat(array.toFloatArray()).containsExactly(embedding.table(8, 4));
    }
  }

  @Test
  void widthsThatAreNotMultiplesOfFourAndEmptyGridsAreRejected() {
    assertThatThrownBy(() -> new GridPositionEmbedding(6)).hasMessageContaining("multiple of 4, got 6");
    assertThatThrownBy(() -> new GridPositionEmbedding(0)).hasMessageContaining("multiple of 4, got 0");
    assertThatThrownBy(() -> new GridPositionEmbedding(8).table(0, 3)).hasMessageContaining("0 x 3");
  }
}
