package io.graphpaint.model.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Object-level metrics over a set of images of the shapes world.
 *
 * @param images images evaluated
 * @param oor object occurrence ratio: found graph objects / graph objects
 * @param relationAccuracy relationships that hold / all relationships (a missing object breaks
 *     its relationships)
 * @param relationAccuracyAmongFound relationships that hold / relationships whose two objects
 *     were found
 * @param exactCountAccuracy share of images where every label is present exactly as often as in
 *     the graph
 * @param spuriousRate detections matched to no graph object / all detections
 * @param meanConfidence mean template IoU of the matched detections
 * @param relationAccuracyByPredicate relation accuracy per graph predicate ("left of", ...)
 */
public record ShapesMetrics(
    int images,
    double oor,
    double relationAccuracy,
    double relationAccuracyAmongFound,
    double exactCountAccuracy,
    double spuriousRate,
    double meanConfidence,
    Map<String, Double> relationAccuracyByPredicate) {

  public ShapesMetrics {
    relationAccuracyByPredicate = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(relationAccuracyByPredicate));
  }

  public static ShapesMetrics of(List<ImageEvaluation> evaluations) {
    long objects = 0;
    long found = 0;
    long relations = 0;
    long held = 0;
    long bothFound = 0;
    long exact = 0;
    long detections = 0;
    long spurious = 0;
    double confidence = 0;
    Map<String, Integer> totalByPredicate = new java.util.TreeMap<>();
    Map<String, Integer> brokenByPredicate = new java.util.HashMap<>();
    for (ImageEvaluation e : evaluations) {
      e.relationships().forEach(r -> totalByPredicate.merge(r.predicate(), 1, Integer::sum));
      e.broken().forEach(b -> brokenByPredicate.merge(b.relationship().predicate(), 1, Integer::sum));
      objects += e.graphObjects();
      found += e.foundObjects();
      relations += e.relations();
      held += e.relationsHeld();
      bothFound += e.relationsWithBothFound();
      exact += e.countsExact() ? 1 : 0;
      detections += e.detections();
      spurious += e.spurious();
      for (int a : e.assignment()) {
        if (a >= 0) {
          confidence += e.found().get(a).confidence();
        }
      }
    }
    Map<String, Double> accuracyByPredicate = new LinkedHashMap<>();
    totalByPredicate.forEach((p, total) ->
        accuracyByPredicate.put(p, ratio(total - brokenByPredicate.getOrDefault(p, 0), total)));
    return new ShapesMetrics(evaluations.size(), ratio(found, objects), ratio(held, relations),
        ratio(held, bothFound), ratio(exact, evaluations.size()), ratio(spurious, detections),
        found == 0 ? 0 : confidence / found, accuracyByPredicate);
  }

  private static double ratio(double numerator, double denominator) {
    return denominator == 0 ? 0 : numerator / denominator;
  }

  public Map<String, Double> asMap() {
    Map<String, Double> map = new LinkedHashMap<>();
    map.put("images", (double) images);
    map.put("oor", oor);
    map.put("relation_accuracy", relationAccuracy);
    map.put("relation_accuracy_among_found", relationAccuracyAmongFound);
    map.put("exact_count_accuracy", exactCountAccuracy);
    map.put("spurious_rate", spuriousRate);
    map.put("mean_confidence", meanConfidence);
    return map;
  }
}
