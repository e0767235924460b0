package io.graphpaint.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The contrastive loss with hard-negative texts, against the formula written out by hand. */
class ClipContrastiveLossTest {

  // rows: text 0, text 1, hard negative of 0, hard negative of 1; columns: image 0, image 1
  private static final float[][] LOGITS = {{2.0f, 0.5f}, {-1.0f, 1.5f}, {1.8f, 0.2f}, {0.3f, 3.0f}};

  @Test
  void imagesChooseAmongAllTextsAndTextsAmongTheImages() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.create(flat(LOGITS), new Shape(4, 2));
      double textToImage = (ce(LOGITS[0], 0) + ce(LOGITS[1], 1)) / 2;
      double[] column0 = {LOGITS[0][0], LOGITS[1][0], LOGITS[2][0], LOGITS[3][0]};
      double[] column1 = {LOGITS[0][1], LOGITS[1][1], LOGITS[2][1], LOGITS[3][1]};
      double imageToText = (ce(column0, 0) + ce(column1, 1)) / 2;
      float both = ClipContrastiveLoss.withHardNegatives(logits, manager.create(new boolean[] {true, true})).getFloat();
      assertThat(both).isCloseTo((float) ((textToImage + imageToText) / 2), within(1e-5f));

      // hard negative 1 left out: image columns choose among texts 0, 1 and negative 0 only
      double[] column0Without = {LOGITS[0][0], LOGITS[1][0], LOGITS[2][0]};
      double[] column1Without = {LOGITS[0][1], LOGITS[1][1], LOGITS[2][1]};
      double imageToTextWithout = (ce(column0Without, 0) + ce(column1Without, 1)) / 2;
      float one = ClipContrastiveLoss.withHardNegatives(logits, manager.create(new boolean[] {true, false})).getFloat();
      assertThat(one).isCloseTo((float) ((textToImage + imageToTextWithout) / 2), within(1e-5f));

      // none usable: the plain symmetric loss of the matched block
      float none = ClipContrastiveLoss.withHardNegatives(logits, manager.create(new boolean[] {false, false})).getFloat();
      float plain = ClipContrastiveLoss.symmetricCrossEntropy(logits.get("0:2")).getFloat();
      assertThat(none).isCloseTo(plain, within(1e-5f));
      assertThat(both).isGreaterThan(one).isGreaterThan(none);
    }
  }

  @Test
  void preferenceCountsImagesThatScoreTheirOwnTextAboveItsHardNegative() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.create(flat(LOGITS), new Shape(4, 2));
      // image 0: own 2.0 > negative 1.8; image 1: own 1.5 < negative 3.0
      assertThat(ClipContrastiveLoss.hardNegativePreference(logits, manager.create(new boolean[] {true, true})))
          .isEqualTo(0.5f);
      assertThat(ClipContrastiveLoss.hardNegativePreference(logits, manager.create(new boolean[] {true, false})))
          .isEqualTo(1f);
      assertThat(ClipContrastiveLoss.hardNegativePreference(logits, manager.create(new boolean[] {false, false})))
          .isNaN();
    }
  }

  @Test
  void refusesLogitsWithoutOneHardNegativePerText() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray square = manager.ones(new Shape(2, 2));
      assertThatThrownBy(() -> ClipContrastiveLoss.withHardNegatives(square, manager.create(new boolean[] {true, true})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(2N, N)");
      NDArray logits = manager.ones(new Shape(4, 2));
      assertThatThrownBy(() -> ClipContrastiveLoss.withHardNegatives(logits, manager.create(new boolean[] {true})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("usable must be (N)");
    }
  }

  /** -log softmax(row)[target]. */
  private static double ce(double[] row, int target) {
    double max = java.util.Arrays.stream(row).max().orElseThrow();
    double sum = 0;
    for (double v : row) {
      sum += Math.exp(v - max);
    }
    return -(row[target] - max - Math.log(sum));
  }

  private static double ce(float[] row, int target) {
    double[] d = new double[row.length];
    for (int i = 0; i < row.length; i++) {
      d[i] = row[i];
    }
    return ce(d, target);
  }

  private static float[] flat(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[0].length);
    }
    return out;
  }
}
