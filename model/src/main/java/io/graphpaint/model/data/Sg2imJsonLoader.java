package io.graphpaint.model.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scene graphs in sg2im's JSON form (a list of {@code {"objects": [...], "relationships": [[s,
 * "p", o], ...]}}), checked against a vocabulary: graphs with unknown labels or predicates are
 * rejected with the message naming the label and the closest known ones. Graphs carry no image
 * or boxes; samples are named {@code graph-<index>}.
 */
public final class Sg2imJsonLoader {

  private Sg2imJsonLoader() {}

  public static LoadedDataset load(Path file, Vocabulary vocabulary) throws IOException {
    return load(Files.readAllBytes(file), vocabulary);
  }

  public static LoadedDataset load(byte[] json, Vocabulary vocabulary) {
    List<SceneGraph> graphs = SceneGraphJson.readAll(json);
    List<SceneGraphSample> samples = new ArrayList<>();
    List<LoadedDataset.Rejection> rejections = new ArrayList<>();
    for (int i = 0; i < graphs.size(); i++) {
      String id = "graph-" + i;
      SceneGraph graph = graphs.get(i);
      try {
        vocabulary.encode(graph);
      } catch (UnknownLabelException e) {
        rejections.add(new LoadedDataset.Rejection(id, "unknown_" + e.kind().replace(' ', '_'), e.getMessage()));
        continue;
      }
      samples.add(new SceneGraphSample(id, null, 0, 0, graph, List.of()));
    }
    return new LoadedDataset(vocabulary, samples, rejections);
  }
}
