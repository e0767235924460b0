package io.graphpaint.model.data;

import java.util.List;

/**
 * One image of a real dataset after filtering: its file, size, graph and boxes.
 *
 * @param imageId the dataset's image id
 * @param imageFile image path relative to the dataset's image directory
 * @param width image width in pixels
 * @param height image height in pixels
 * @param graph objects and relationships
 * @param boxes per object {@code [x0, y0, x1, y1]} normalised by the image size; empty when the
 *     source has no layout (sg2im JSON graphs)
 */
public record SceneGraphSample(
    String imageId, String imageFile, int width, int height, SceneGraph graph, List<Box> boxes) {

  public SceneGraphSample {
    boxes = List.copyOf(boxes);
    if (!boxes.isEmpty() && boxes.size() != graph.objects().size()) {
      throw new IllegalArgumentException("image " + imageId + ": " + boxes.size() + " boxes for "
          + graph.objects().size() + " objects");
    }
  }
}
