package io.graphpaint.trainingworker;

import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.Vocabulary;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A dataset version read from the object store, images already at the model's resolution.
 *
 * @param vocabulary the vocabulary to train with (the base model's, grown under EXTEND)
 * @param addedLabels labels and predicates added to the base vocabulary (empty unless EXTEND)
 * @param train training samples
 * @param validation held-out samples evaluated after training
 * @param leftOut samples not used (beyond the sample limit)
 */
public record PreparedDataset(
    Vocabulary vocabulary, List<String> addedLabels, List<Sample> train, List<Sample> validation, int leftOut) {

  /** One image with its graph and caption. */
  public record Sample(String id, SceneGraph graph, String caption, BufferedImage image) {}

  public PreparedDataset {
    addedLabels = List.copyOf(addedLabels);
    train = List.copyOf(train);
    validation = List.copyOf(validation);
  }
}
