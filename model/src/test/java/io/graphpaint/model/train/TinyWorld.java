package io.graphpaint.model.train;

import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesGenerator;
import io.graphpaint.model.data.ShapesScene;
import io.graphpaint.model.data.ShapesSplit;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.fusion.LabelPrompt;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** A few rendered shapes scenes and a tiny model over them, for fast stage tests. */
final class TinyWorld {

  static final int TEXT_LENGTH = 24;
  static final int IMAGE_SIZE = 32;

  final Vocabulary vocabulary = ShapesWorld.vocabulary();
  final TrainingData data;
  final List<BufferedImage> images = new ArrayList<>();
  final List<SceneGraph> graphs = new ArrayList<>();
  final List<String> words;
  final byte[] tokenizerJson;
  final ModelConfig config;

  TinyWorld(int samples, long seed) {
    ShapesConfig shapes = ShapesConfig.defaults(seed, IMAGE_SIZE, samples, 0, 0, 0);
    ShapesGenerator generator = new ShapesGenerator(shapes);
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      ShapesScene scene = generator.scene(ShapesSplit.TRAIN, i);
      images.add(ShapesWorld.render(scene));
      graphs.add(scene.graph());
      captions.add(scene.caption());
    }
    data = TrainingData.of(images, graphs, captions, vocabulary);
    List<String> texts = new ArrayList<>(captions);
    texts.addAll(ShapesWorld.labels());
    graphs.forEach(g -> texts.add(LabelPrompt.of(g)));
    words = WordTokenizer.wordsOf(texts);
    WordTokenizer tokenizer = WordTokenizer.of(texts, TEXT_LENGTH);
    tokenizerJson = tokenizer.json();
    config = ModelConfig.tiny(vocabulary, tokenizer.ids(), IMAGE_SIZE);
  }

  GraphPaintModel model(NDManager manager) {
    return GraphPaintModel.create(config, vocabulary, tokenizerJson, manager);
  }

  GraphPaintModel model(NDManager manager, ModelConfig modelConfig) {
    return GraphPaintModel.create(modelConfig, vocabulary, tokenizerJson, manager);
  }
}
