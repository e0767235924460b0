package io.graphpaint.model.data;

import java.util.Locale;

/** Splits of the shapes dataset; {@code test_unseen} holds label pairs never seen together in train. */
public enum ShapesSplit {
  TRAIN,
  VAL,
  TEST,
  TEST_UNSEEN;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ShapesSplit parse(String id) {
    for (ShapesSplit split : values()) {
      if (split.id().equals(id)) {
        return split;
      }
    }
    throw new IllegalArgumentException("unknown split '" + id + "', known: train, val, test, test_unseen");
  }
}
