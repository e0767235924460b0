package io.graphpaint.model.eval;

import io.graphpaint.model.data.Box;
import io.graphpaint.model.data.BoxRelations;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches detections to graph objects by label, one to one, and checks the graph's
 * relationships on the matched boxes. Among the maximum matchings (as many objects found per
 * label as possible) it picks the one under which most relationships hold, then the most
 * confident; a search budget bounds the work when an image holds many look-alikes.
 */
public final class SceneMatcher {

  private static final int SEARCH_BUDGET = 200_000;

  private SceneMatcher() {}

  public static ImageEvaluation evaluate(
      String id, SceneGraph graph, List<Detection> detections, int width, int height) {
    int n = graph.objects().size();
    List<String> labels = graph.labels();
    List<Box> boxes = new ArrayList<>();
    for (Detection d : detections) {
      boxes.add(d.box().scale(1.0 / width, 1.0 / height));
    }
    Search search = new Search(graph, labels, detections, boxes);
    search.run();
    int[] assignment = search.best;

    int found = 0;
    List<String> missing = new ArrayList<>();
    boolean[] used = new boolean[detections.size()];
    for (int i = 0; i < n; i++) {
      if (assignment[i] >= 0) {
        found++;
        used[assignment[i]] = true;
      } else {
        missing.add(i + " " + labels.get(i));
      }
    }
    int held = 0;
    int bothFound = 0;
    List<ImageEvaluation.BrokenRelation> broken = new ArrayList<>();
    for (Relationship r : graph.relationships()) {
      int s = assignment[r.subject()];
      int o = assignment[r.object()];
      if (s < 0 || o < 0) {
        String which = s < 0 && o < 0 ? "subject and object" : s < 0 ? "subject" : "object";
        broken.add(new ImageEvaluation.BrokenRelation(r, null, which + " not found"));
        continue;
      }
      bothFound++;
      String observed = BoxRelations.predicate(boxes.get(s), boxes.get(o));
      if (observed.equals(r.predicate())) {
        held++;
      } else {
        broken.add(new ImageEvaluation.BrokenRelation(r, observed, "boxes give '" + observed + "'"));
      }
    }
    Map<String, Integer> counts = new HashMap<>();
    labels.forEach(l -> counts.merge(l, 1, Integer::sum));
    detections.forEach(d -> counts.merge(d.label(), -1, Integer::sum));
    boolean countsExact = counts.values().stream().allMatch(c -> c == 0);
    int spurious = 0;
    for (boolean u : used) {
      if (!u) {
        spurious++;
      }
    }
    List<Integer> assignmentList = new ArrayList<>();
    for (int a : assignment) {
      assignmentList.add(a);
    }
    return new ImageEvaluation(id, n, found, graph.relationships().size(), held, bothFound, countsExact,
        detections.size(), spurious, assignmentList, missing, broken, detections, graph.relationships());
  }

  /** Depth-first search over maximum label-preserving matchings. */
  private static final class Search {
    private final SceneGraph graph;
    private final List<String> labels;
    private final List<Detection> detections;
    private final List<Box> boxes;
    private final Map<String, List<Integer>> detectionsByLabel = new HashMap<>();
    private final int[] current;
    private final boolean[] used;
    private final Map<String, Integer> remainingObjects = new HashMap<>();
    private final Map<String, Integer> freeDetections = new HashMap<>();
    int[] best;
    private int bestHeld = -1;
    private double bestConfidence = -1;
    private int budget = SEARCH_BUDGET;

    Search(SceneGraph graph, List<String> labels, List<Detection> detections, List<Box> boxes) {
      this.graph = graph;
      this.labels = labels;
      this.detections = detections;
      this.boxes = boxes;
      for (int d = 0; d < detections.size(); d++) {
        detectionsByLabel.computeIfAbsent(detections.get(d).label(), k -> new ArrayList<>()).add(d);
        freeDetections.merge(detections.get(d).label(), 1, Integer::sum);
      }
      labels.forEach(l -> remainingObjects.merge(l, 1, Integer::sum));
      current = new int[labels.size()];
      used = new boolean[detections.size()];
      best = new int[labels.size()];
      java.util.Arrays.fill(best, -1);
    }

    void run() {
      visit(0);
    }

    private void visit(int i) {
      if (budget-- <= 0) {
        return;
      }
      if (i == labels.size()) {
        score();
        return;
      }
      String label = labels.get(i);
      int remaining = remainingObjects.get(label);
      int free = freeDetections.getOrDefault(label, 0);
      remainingObjects.put(label, remaining - 1);
      if (free > 0) {
        for (int d : detectionsByLabel.get(label)) {
          if (used[d]) {
            continue;
          }
          used[d] = true;
          current[i] = d;
          freeDetections.put(label, free - 1);
          visit(i + 1);
          freeDetections.put(label, free);
          used[d] = false;
        }
      }
      // Leaving this object unmatched keeps the matching maximum only if detections run short.
      if (free < remaining) {
        current[i] = -1;
        visit(i + 1);
      }
      remainingObjects.put(label, remaining);
    }

    private void score() {
      int held = 0;
      for (Relationship r : graph.relationships()) {
        int s = current[r.subject()];
        int o = current[r.object()];
        if (s >= 0 && o >= 0 && BoxRelations.predicate(boxes.get(s), boxes.get(o)).equals(r.predicate())) {
          held++;
        }
      }
      double confidence = 0;
      for (int d : current) {
        if (d >= 0) {
          confidence += detections.get(d).confidence();
        }
      }
      if (held > bestHeld || (held == bestHeld && confidence > bestConfidence + 1e-12)) {
        bestHeld = held;
        bestConfidence = confidence;
        best = current.clone();
      }
    }
  }
}
