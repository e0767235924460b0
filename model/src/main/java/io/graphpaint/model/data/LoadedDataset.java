package io.graphpaint.model.data;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of loading a dataset with filtering rules: the vocabulary, the kept samples and
 * every rejected image with the rule that rejected it.
 */
public record LoadedDataset(Vocabulary vocabulary, List<SceneGraphSample> samples, List<Rejection> rejections) {

  /** An image left out, the rule's key (e.g. {@code too_few_objects}) and the numbers behind it. */
  public record Rejection(String imageId, String rule, String detail) {}

  public LoadedDataset {
    samples = List.copyOf(samples);
    rejections = List.copyOf(rejections);
  }

  /** Rejections per rule. */
  public Map<String, Integer> rejectionCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    rejections.forEach(r -> counts.merge(r.rule(), 1, Integer::sum));
    return counts;
  }

  public List<String> keptIds() {
    return samples.stream().map(SceneGraphSample::imageId).toList();
  }
}
