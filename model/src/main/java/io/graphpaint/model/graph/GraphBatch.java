package io.graphpaint.model.graph;

import ai.djl.ndarray.NDArray;

/**
 * A batch of scene graphs as sg2im lays them out: every graph's objects and triples concatenated,
 * with maps back to the graph each came from. Each graph already carries its {@code __image__}
 * node and {@code __in_image__} edges.
 *
 * @param objs object class ids, (O) int64
 * @param triples (subject, predicate, object) with subject and object as indices into {@code objs},
 *     (T, 3) int64
 * @param objToImg graph index of each object, (O) int64
 * @param tripleToImg graph index of each triple, (T) int64
 * @param numGraphs number of graphs B in the batch
 */
public record GraphBatch(
    NDArray objs, NDArray triples, NDArray objToImg, NDArray tripleToImg, int numGraphs)
    implements AutoCloseable {

  @Override
  public void close() {
    objs.close();
    triples.close();
    objToImg.close();
    tripleToImg.close();
  }
}
