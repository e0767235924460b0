package io.graphpaint.model.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constant matrices that express a batch's gathers, scatter-adds, per-graph means and per-graph
 * slot layouts as matrix products (differentiable; DJL has no scatter-add). Built once per batch
 * from the index arrays; they hold no parameters.
 *
 * @param subjectOneHot (T, O), row t is one-hot at the subject of triple t
 * @param objectOneHot (T, O), row t is one-hot at the object of triple t
 * @param clampedDegree (O, 1), triples touching each object, at least 1
 * @param objectMean (B, O), averages a graph's objects (zero row for a graph without objects)
 * @param tripleMean (B, T), averages a graph's triples (zero row for a graph without triples)
 * @param tripleSlots (B * maxTriples, T), places the first maxTriples triples of each graph in order
 * @param objectSlots (B * maxObjects, O), places the first maxObjects objects of each graph in order
 * @param tripleMask (B, maxTriples) 1 where a slot holds a triple
 * @param objectMask (B, maxObjects) 1 where a slot holds an object
 */
record GraphIncidence(
    NDArray subjectOneHot,
    NDArray objectOneHot,
    NDArray clampedDegree,
    NDArray objectMean,
    NDArray tripleMean,
    NDArray tripleSlots,
    NDArray objectSlots,
    NDArray tripleMask,
    NDArray objectMask) {

  static GraphIncidence of(
      NDManager manager, GraphBatch batch, int maxTriples, int maxObjects) {
    int numGraphs = batch.numGraphs();
    long[] triples = batch.triples().toLongArray(); // (T * 3)
    long[] objToImg = batch.objToImg().toLongArray(); // (O)
    long[] tripleToImg = batch.tripleToImg().toLongArray(); // (T)
    int numObjects = objToImg.length;
    int numTriples = tripleToImg.length;
    if (triples.length != 3L * numTriples) {
      throw new IllegalArgumentException(
          "triples must be (T, 3) with T = tripleToImg length " + numTriples + ", got "
              + batch.triples().getShape());
    }
    float[] subj = new float[numTriples * numObjects];
    float[] obj = new float[numTriples * numObjects];
    float[] degree = new float[numObjects];
    for (int t = 0; t < numTriples; t++) {
      int s = checkIndex("subject of triple " + t, triples[3 * t], numObjects);
      int o = checkIndex("object of triple " + t, triples[3 * t + 2], numObjects);
      subj[t * numObjects + s] = 1f;
      obj[t * numObjects + o] = 1f;
      degree[s] += 1f;
      degree[o] += 1f;
    }
    for (int i = 0; i < numObjects; i++) {
      degree[i] = Math.max(1f, degree[i]);
    }
    float[] objectMean = meanMatrix(objToImg, numGraphs, "objToImg");
    float[] tripleMean = meanMatrix(tripleToImg, numGraphs, "tripleToImg");
    float[] tripleSlots = new float[numGraphs * maxTriples * numTriples];
    float[] tripleMask = new float[numGraphs * maxTriples];
    fillSlots(tripleToImg, numGraphs, maxTriples, tripleSlots, tripleMask);
    float[] objectSlots = new float[numGraphs * maxObjects * numObjects];
    float[] objectMask = new float[numGraphs * maxObjects];
    fillSlots(objToImg, numGraphs, maxObjects, objectSlots, objectMask);
    return new GraphIncidence(
        manager.create(subj, new Shape(numTriples, numObjects)),
        manager.create(obj, new Shape(numTriples, numObjects)),
        manager.create(degree, new Shape(numObjects, 1)),
        manager.create(objectMean, new Shape(numGraphs, numObjects)),
        manager.create(tripleMean, new Shape(numGraphs, numTriples)),
        manager.create(tripleSlots, new Shape((long) numGraphs * maxTriples, numTriples)),
        manager.create(objectSlots, new Shape((long) numGraphs * maxObjects, numObjects)),
        manager.create(tripleMask, new Shape(numGraphs, maxTriples)),
        manager.create(objectMask, new Shape(numGraphs, maxObjects)));
  }

  private static int checkIndex(String what, long index, int size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException(
          what + " is " + index + ", outside the batch's objects [0, " + size + ")");
    }
    return (int) index;
  }

  /** (B, N): row b holds 1 / count_b at the members of graph b. */
  private static float[] meanMatrix(long[] toGraph, int numGraphs, String name) {
    int n = toGraph.length;
    int[] counts = new int[numGraphs];
    for (int i = 0; i < n; i++) {
      if (toGraph[i] < 0 || toGraph[i] >= numGraphs) {
        throw new IllegalArgumentException(
            name + "[" + i + "] is " + toGraph[i] + ", outside the batch's graphs [0, " + numGraphs + ")");
      }
      counts[(int) toGraph[i]]++;
    }
    float[] m = new float[numGraphs * n];
    for (int i = 0; i < n; i++) {
      int b = (int) toGraph[i];
      m[b * n + i] = 1f / Math.max(1, counts[b]);
    }
    return m;
  }

  private static void fillSlots(
      long[] toGraph, int numGraphs, int maxSlots, float[] slots, float[] mask) {
    int n = toGraph.length;
    int[] used = new int[numGraphs];
    for (int i = 0; i < n; i++) {
      int b = (int) toGraph[i];
      int slot = used[b]++;
      if (slot < maxSlots) {
        int row = b * maxSlots + slot;
        slots[row * n + i] = 1f;
        mask[row] = 1f;
      }
    }
  }
}
