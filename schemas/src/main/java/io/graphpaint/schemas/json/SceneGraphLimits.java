package io.graphpaint.schemas.json;

/**
 * Size limits of a scene graph accepted from outside.
 *
 * @param maxObjects most objects in one graph
 * @param maxRelationships most relationships in one graph
 * @param maxLabelLength most characters in a label, predicate or attribute
 * @param maxAttributesPerObject most attributes of one object
 */
public record SceneGraphLimits(int maxObjects, int maxRelationships, int maxLabelLength, int maxAttributesPerObject) {

  /** sg2im's COCO setting allows up to 8 objects; Visual Genome graphs run to ~30; leave headroom. */
  public static final SceneGraphLimits DEFAULT = new SceneGraphLimits(32, 128, 128, 16);

  public SceneGraphLimits {
    requireAtLeast("maxObjects", maxObjects, 1);
    requireAtLeast("maxRelationships", maxRelationships, 0);
    requireAtLeast("maxLabelLength", maxLabelLength, 1);
    requireAtLeast("maxAttributesPerObject", maxAttributesPerObject, 0);
  }

  static void requireAtLeast(String name, long value, long minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " must be >= " + minimum + ", was " + value);
    }
  }
}
