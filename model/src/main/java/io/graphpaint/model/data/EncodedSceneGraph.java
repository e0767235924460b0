package io.graphpaint.model.data;

import java.util.Arrays;

/**
 * One scene graph as vocabulary ids, in sg2im's layout: the user's objects first, then the
 * {@code __image__} node (last), and the user's triples followed by one {@code __in_image__}
 * triple from every object to the image node.
 *
 * @param objects object class ids, (O)
 * @param triples (subject, predicate, object) rows flattened, (T * 3); subject and object index
 *     into {@code objects}
 */
public record EncodedSceneGraph(long[] objects, long[] triples) {

  public EncodedSceneGraph {
    if (objects == null || triples == null) {
      throw new IllegalArgumentException("objects and triples must not be null");
    }
    if (triples.length % 3 != 0) {
      throw new IllegalArgumentException(
          "triples must hold (subject, predicate, object) rows, length " + triples.length
              + " is not a multiple of 3");
    }
    for (int t = 0; t < triples.length / 3; t++) {
      long s = triples[3 * t];
      long o = triples[3 * t + 2];
      if (s < 0 || s >= objects.length || o < 0 || o >= objects.length) {
        throw new IllegalArgumentException("triple " + t + " refers to object " + (s < 0 || s >= objects.length ? s : o)
            + " outside 0.." + (objects.length - 1));
      }
    }
  }

  public int numObjects() {
    return objects.length;
  }

  public int numTriples() {
    return triples.length / 3;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EncodedSceneGraph g
        && Arrays.equals(objects, g.objects) && Arrays.equals(triples, g.triples);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(objects) + Arrays.hashCode(triples);
  }

  @Override
  public String toString() {
    return "EncodedSceneGraph[objects=" + Arrays.toString(objects) + ", triples="
        + Arrays.toString(triples) + "]";
  }
}
