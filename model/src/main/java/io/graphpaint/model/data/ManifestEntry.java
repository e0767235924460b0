package io.graphpaint.model.data;

import java.util.List;

/**
 * One line of a dataset manifest ({@code manifest.jsonl}).
 *
 * @param id sample id, unique in the dataset
 * @param split split name (train, val, test, test_unseen)
 * @param graph the scene graph (sg2im JSON form in the file)
 * @param caption a sentence for text-conditioned baselines and CLIP training
 * @param image key of the PNG relative to the dataset root
 * @param boxes per object, {@code [x0, y0, x1, y1]} normalised to [0, 1]
 * @param width image width in pixels
 * @param height image height in pixels
 */
public record ManifestEntry(
    String id, String split, SceneGraph graph, String caption, String image, List<Box> boxes,
    int width, int height) {

  public ManifestEntry {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("manifest entry id must be non-blank");
    }
    if (graph == null) {
      throw new IllegalArgumentException("manifest entry " + id + " has no graph");
    }
    boxes = boxes == null ? List.of() : List.copyOf(boxes);
    if (!boxes.isEmpty() && boxes.size() != graph.objects().size()) {
      throw new IllegalArgumentException("manifest entry " + id + " has " + boxes.size()
          + " boxes for " + graph.objects().size() + " objects");
    }
  }
}
