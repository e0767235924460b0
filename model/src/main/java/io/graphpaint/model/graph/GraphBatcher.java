package io.graphpaint.model.graph;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.graphpaint.model.data.EncodedSceneGraph;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.Vocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * Concatenates encoded scene graphs into one {@link GraphBatch} as sg2im's collate function does:
 * object indices inside the triples are offset to index the batch's {@code objs}.
 */
public final class GraphBatcher {

  private GraphBatcher() {}

  /** Encodes (vocabulary lookup, {@code __image__} node and edges) and batches. */
  public static GraphBatch batch(List<SceneGraph> graphs, Vocabulary vocabulary, NDManager manager) {
    List<EncodedSceneGraph> encoded = new ArrayList<>(graphs.size());
    for (SceneGraph graph : graphs) {
      encoded.add(vocabulary.encode(graph));
    }
    return batchEncoded(encoded, manager);
  }

  /** Batches graphs that already carry their {@code __image__} node and edges. */
  public static GraphBatch batchEncoded(List<EncodedSceneGraph> graphs, NDManager manager) {
    if (graphs.isEmpty()) {
      throw new IllegalArgumentException("cannot batch an empty list of graphs");
    }
    int numObjects = 0;
    int numTriples = 0;
    for (EncodedSceneGraph g : graphs) {
      numObjects += g.numObjects();
      numTriples += g.numTriples();
    }
    long[] objs = new long[numObjects];
    long[] objToImg = new long[numObjects];
    long[] triples = new long[3 * numTriples];
    long[] tripleToImg = new long[numTriples];
    int objOffset = 0;
    int tripleOffset = 0;
    for (int img = 0; img < graphs.size(); img++) {
      EncodedSceneGraph g = graphs.get(img);
      System.arraycopy(g.objects(), 0, objs, objOffset, g.numObjects());
      for (int i = 0; i < g.numObjects(); i++) {
        objToImg[objOffset + i] = img;
      }
      long[] t = g.triples();
      for (int k = 0; k < g.numTriples(); k++) {
        int row = tripleOffset + k;
        triples[3 * row] = t[3 * k] + objOffset;
        triples[3 * row + 1] = t[3 * k + 1];
        triples[3 * row + 2] = t[3 * k + 2] + objOffset;
        tripleToImg[row] = img;
      }
      objOffset += g.numObjects();
      tripleOffset += g.numTriples();
    }
    return new GraphBatch(
        manager.create(objs),
        manager.create(triples, new Shape(numTriples, 3)),
        manager.create(objToImg),
        manager.create(tripleToImg),
        graphs.size());
  }
}
