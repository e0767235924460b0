package io.graphpaint.model.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What the graph encoder produces for a batch of B graphs.
 *
 * @param global {@code G_global}, (B, D)
 * @param tripleTokens local features {@code [v_s; v_p; v_o]} of each graph's first triples in
 *     order, zero-padded, (B, maxTriples, 3D) (SGDiff's {@code graph_local_fea})
 * @param tripleMask (B, maxTriples), 1 where a slot holds a triple
 * @param objectTokens final vectors of each graph's first objects in order (image node last),
 *     zero-padded, (B, maxObjects, D)
 * @param objectMask (B, maxObjects), 1 where a slot holds an object
 * @param objectVectors final object vectors of the whole batch, (O, D)
 * @param predicateVectors final predicate vectors of the whole batch, (T, D)
 * @param firstLayerObjectVectors object vectors after {@code graph_conv}, (O, D)
 * @param firstLayerPredicateVectors predicate vectors after {@code graph_conv}, (T, D)
 */
public record GraphEncoding(
    NDArray global,
    NDArray tripleTokens,
    NDArray tripleMask,
    NDArray objectTokens,
    NDArray objectMask,
    NDArray objectVectors,
    NDArray predicateVectors,
    NDArray firstLayerObjectVectors,
    NDArray firstLayerPredicateVectors)
    implements AutoCloseable {

  /** The arrays in declaration order, as {@link GraphEncoder}'s DJL forward returns them. */
  public NDList toList() {
    return new NDList(
        global,
        tripleTokens,
        tripleMask,
        objectTokens,
        objectMask,
        objectVectors,
        predicateVectors,
        firstLayerObjectVectors,
        firstLayerPredicateVectors);
  }

  @Override
  public void close() {
    toList().close();
  }
}
