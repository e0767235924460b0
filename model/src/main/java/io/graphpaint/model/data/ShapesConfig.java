package io.graphpaint.model.data;

/**
 * Everything that determines a synthetic shapes dataset; the same config always yields the same
 * samples and the same PNG bytes.
 *
 * @param seed master seed
 * @param canvasSize image side in pixels (32 or 64)
 * @param minObjects fewest objects per scene (>= 2)
 * @param maxObjects most objects per scene (<= 8)
 * @param minObjectSize smallest object side in pixels
 * @param maxObjectSize largest side of an object that holds no other object
 * @param maxContainerSize largest side of an object that holds another one
 * @param gap smallest distance in pixels between the boxes of objects not nested in each other,
 *     and between a nested object and the outline of its container
 * @param insideProbability chance that an object is given another object to hold
 * @param minRelationAngleDegrees smallest angle between a related pair's centre direction and a
 *     diagonal, so that "left of" versus "above" is never a matter of one pixel
 * @param heldOutPairs number of label pairs never shown together in train / val / test; every
 *     {@code test_unseen} scene holds one of them, related to each other
 * @param trainCount samples in the train split
 * @param valCount samples in the val split
 * @param testCount samples in the test split
 * @param testUnseenCount samples in the test_unseen split
 */
public record ShapesConfig(
    long seed,
    int canvasSize,
    int minObjects,
    int maxObjects,
    int minObjectSize,
    int maxObjectSize,
    int maxContainerSize,
    int gap,
    double insideProbability,
    double minRelationAngleDegrees,
    int heldOutPairs,
    int trainCount,
    int valCount,
    int testCount,
    int testUnseenCount) {

  public static final int MAX_OBJECTS_LIMIT = 8;

  public ShapesConfig {
    if (canvasSize != 32 && canvasSize != 64) {
      throw new IllegalArgumentException("canvasSize must be 32 or 64, got " + canvasSize);
    }
    if (minObjects < 2 || maxObjects > MAX_OBJECTS_LIMIT || minObjects > maxObjects) {
      throw new IllegalArgumentException("objects per scene must satisfy 2 <= minObjects <= maxObjects <= "
          + MAX_OBJECTS_LIMIT + ", got minObjects=" + minObjects + ", maxObjects=" + maxObjects);
    }
    int smallest = canvasSize / 8 + 2;
    if (minObjectSize < smallest || minObjectSize > maxObjectSize || maxObjectSize > maxContainerSize
        || maxContainerSize > canvasSize / 2) {
      throw new IllegalArgumentException("object sizes must satisfy " + smallest
          + " <= minObjectSize <= maxObjectSize <= maxContainerSize <= " + canvasSize / 2
          + " (canvasSize / 2), got " + minObjectSize + ", " + maxObjectSize + ", " + maxContainerSize);
    }
    if (gap < 2 || gap > canvasSize / 8) {
      throw new IllegalArgumentException("gap must be within [2, " + canvasSize / 8 + "] pixels, got " + gap);
    }
    if (!(insideProbability >= 0 && insideProbability <= 1)) {
      throw new IllegalArgumentException("insideProbability must be within [0, 1], got " + insideProbability);
    }
    if (!(minRelationAngleDegrees >= 0 && minRelationAngleDegrees <= 30)) {
      throw new IllegalArgumentException(
          "minRelationAngleDegrees must be within [0, 30], got " + minRelationAngleDegrees);
    }
    int labels = ShapesWorld.labels().size();
    int pairs = labels * (labels - 1) / 2;
    if (heldOutPairs < 0 || heldOutPairs > pairs / 4) {
      throw new IllegalArgumentException("heldOutPairs must be within [0, " + pairs / 4 + "], got " + heldOutPairs);
    }
    if (heldOutPairs == 0 && testUnseenCount > 0) {
      throw new IllegalArgumentException("testUnseenCount must be 0 when heldOutPairs is 0, got " + testUnseenCount);
    }
    for (int count : new int[] {trainCount, valCount, testCount, testUnseenCount}) {
      if (count < 0 || count > 10_000_000) {
        throw new IllegalArgumentException("split sizes must be within [0, 10000000], got " + count);
      }
    }
  }

  /** Defaults for a canvas of 32 or 64 pixels, with the given split sizes. */
  public static ShapesConfig defaults(long seed, int canvasSize, int train, int val, int test, int testUnseen) {
    int unit = canvasSize / 32;
    return new ShapesConfig(seed, canvasSize, 2, 6, 7 * unit, 12 * unit, 16 * unit, 2 * unit,
        0.2, 12, 12, train, val, test, testUnseen);
  }

  public int count(ShapesSplit split) {
    return switch (split) {
      case TRAIN -> trainCount;
      case VAL -> valCount;
      case TEST -> testCount;
      case TEST_UNSEEN -> testUnseenCount;
    };
  }

  public ShapesConfig withCounts(int train, int val, int test, int testUnseen) {
    return new ShapesConfig(seed, canvasSize, minObjects, maxObjects, minObjectSize, maxObjectSize,
        maxContainerSize, gap, insideProbability, minRelationAngleDegrees, heldOutPairs, train, val,
        test, testUnseen);
  }

  public ShapesConfig withSeed(long newSeed) {
    return new ShapesConfig(newSeed, canvasSize, minObjects, maxObjects, minObjectSize, maxObjectSize,
        maxContainerSize, gap, insideProbability, minRelationAngleDegrees, heldOutPairs, trainCount,
        valCount, testCount, testUnseenCount);
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builder over {@link #defaults}: change what differs, {@link #build()} checks everything. */
  public static Builder builder(long seed, int canvasSize) {
    return new Builder(defaults(seed, canvasSize, 0, 0, 0, 0));
  }

  /** Mutable copy of a config; values are checked when built. */
  public static final class Builder {
    private long seed;
    private int canvasSize;
    private int minObjects;
    private int maxObjects;
    private int minObjectSize;
    private int maxObjectSize;
    private int maxContainerSize;
    private int gap;
    private double insideProbability;
    private double minRelationAngleDegrees;
    private int heldOutPairs;
    private int trainCount;
    private int valCount;
    private int testCount;
    private int testUnseenCount;

    private Builder(ShapesConfig c) {
      seed = c.seed;
      canvasSize = c.canvasSize;
      minObjects = c.minObjects;
      maxObjects = c.maxObjects;
      minObjectSize = c.minObjectSize;
      maxObjectSize = c.maxObjectSize;
      maxContainerSize = c.maxContainerSize;
      gap = c.gap;
      insideProbability = c.insideProbability;
      minRelationAngleDegrees = c.minRelationAngleDegrees;
      heldOutPairs = c.heldOutPairs;
      trainCount = c.trainCount;
      valCount = c.valCount;
      testCount = c.testCount;
      testUnseenCount = c.testUnseenCount;
    }

    public Builder optSeed(long value) {
      seed = value;
      return this;
    }

    public Builder optObjects(int min, int max) {
      minObjects = min;
      maxObjects = max;
      return this;
    }

    public Builder optObjectSizes(int min, int max, int maxContainer) {
      minObjectSize = min;
      maxObjectSize = max;
      maxContainerSize = maxContainer;
      return this;
    }

    public Builder optGap(int value) {
      gap = value;
      return this;
    }

    public Builder optInsideProbability(double value) {
      insideProbability = value;
      return this;
    }

    public Builder optMinRelationAngleDegrees(double value) {
      minRelationAngleDegrees = value;
      return this;
    }

    public Builder optHeldOutPairs(int value) {
      heldOutPairs = value;
      return this;
    }

    public Builder optCounts(int train, int val, int test, int testUnseen) {
      trainCount = train;
      valCount = val;
      testCount = test;
      testUnseenCount = testUnseen;
      return this;
    }

    public ShapesConfig build() {
      return new ShapesConfig(seed, canvasSize, minObjects, maxObjects, minObjectSize, maxObjectSize,
          maxContainerSize, gap, insideProbability, minRelationAngleDegrees, heldOutPairs, trainCount,
          valCount, testCount, testUnseenCount);
    }
  }
}
