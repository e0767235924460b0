package io.graphpaint.model.eval;

import io.graphpaint.model.data.Relationship;
import java.util.List;

/**
 * How one image matches its scene graph.
 *
 * @param id sample id
 * @param graphObjects objects in the graph
 * @param foundObjects graph objects matched 1-1 to a detection of the same label
 * @param relations relationships in the graph
 * @param relationsHeld relationships whose two objects were found and whose detected boxes give
 *     the same predicate by sg2im's rules
 * @param relationsWithBothFound relationships whose two objects were found
 * @param countsExact whether every label appears as often as in the graph
 * @param detections objects the analyzer found
 * @param spurious detections matched to no graph object
 * @param assignment per graph object, the index of its detection in {@code found}, or -1
 * @param missing graph objects not found: "index label"
 * @param broken relationships that do not hold, with the reason
 * @param found the detections
 * @param relationships the graph's relationships, for per-predicate breakdowns
 */
public record ImageEvaluation(
    String id,
    int graphObjects,
    int foundObjects,
    int relations,
    int relationsHeld,
    int relationsWithBothFound,
    boolean countsExact,
    int detections,
    int spurious,
    List<Integer> assignment,
    List<String> missing,
    List<BrokenRelation> broken,
    List<Detection> found,
    List<Relationship> relationships) {

  /** A graph relationship that the image does not show, and what it shows instead. */
  public record BrokenRelation(Relationship relationship, String observedPredicate, String reason) {}
}
