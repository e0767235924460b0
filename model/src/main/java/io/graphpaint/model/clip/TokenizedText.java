package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Token ids and attention masks of a batch of texts, padded/truncated to one length S.
 *
 * @param inputIds (B, S)
 * @param attentionMask (B, S), 1 for tokens, 0 for padding
 */
public record TokenizedText(long[][] inputIds, long[][] attentionMask) {

  public int batchSize() {
    return inputIds.length;
  }

  public int length() {
    return inputIds.length == 0 ? 0 : inputIds[0].length;
  }

  /** input_ids as (B, S) int64 under {@code manager}. */
  public NDArray inputIds(NDManager manager) {
    return manager.create(flatten(inputIds), new Shape(batchSize(), length()));
  }

  /** attention_mask as (B, S) int64 under {@code manager}. */
  public NDArray attentionMask(NDManager manager) {
    return manager.create(flatten(attentionMask), new Shape(batchSize(), length()));
  }

  private long[] flatten(long[][] rows) {
    int s = length();
    long[] flat = new long[rows.length * s];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * s, s);
    }
    return flat;
  }
}
