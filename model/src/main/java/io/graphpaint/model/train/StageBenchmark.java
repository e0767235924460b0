package io.graphpaint.model.train;

import ai.djl.engine.Engine;
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
import java.util.Map;

/**
 * Measures milliseconds per training step and samples per second of every stage on rendered
 * shapes scenes: {@code StageBenchmark [default|tiny] [steps] [samples]}. The first two steps of
 * each stage are warm-up and not counted.
 */
public final class StageBenchmark {

  private StageBenchmark() {}

  public static void main(String[] args) {
    boolean tiny = args.length > 0 && args[0].equals("tiny");
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int samples = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    Vocabulary vocabulary = ShapesWorld.vocabulary();
    ShapesGenerator generator = new ShapesGenerator(ShapesConfig.defaults(1, 32, samples, 0, 0, 0));
    List<BufferedImage> images = new ArrayList<>();
    List<SceneGraph> graphs = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      ShapesScene scene = generator.scene(ShapesSplit.TRAIN, i);
      images.add(ShapesWorld.render(scene));
      graphs.add(scene.graph());
      captions.add(scene.caption());
    }
    TrainingData data = TrainingData.of(images, graphs, captions, vocabulary);
    List<String> texts = new ArrayList<>(captions);
    graphs.forEach(g -> texts.add(LabelPrompt.of(g)));
    int textLength = tiny ? 24 : 48;
    WordTokenizer words = WordTokenizer.of(texts, textLength);
    byte[] tokenizer = words.json();
    ModelConfig config =
        tiny ? ModelConfig.tiny(vocabulary, words.ids(), 32) : ModelConfig.defaults(vocabulary, words.ids(), 32);
    TrainingConfig training = TrainingConfig.defaults(1);
    Engine.getInstance().setRandomSeed(1);
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = GraphPaintModel.create(config, vocabulary, tokenizer, manager)) {
      System.out.printf("model (%s): %s%n", tiny ? "tiny" : "default", parameterSummary(model));
      for (StageKind kind : StageKind.values()) {
        StageConfig stage = training.stage(kind).withSteps(steps + 2);
        TrainingConfig run = training.withStage(kind, stage);
        try (StageTrainer trainer = new StageTrainer(kind, model, data, run, manager)) {
          long[] start = new long[1];
          List<Map<String, Float>> losses =
              new TrainingLoop(
                      new TrainingLoop.Settings(kind.id(), stage.steps(), stage.batchSize(), 1, stage.steps()),
                      model.parameters(), trainer.optimizers(), trainer.ema(),
                      (step, m) -> {
                        if (step == 2) {
                          start[0] = System.nanoTime();
                        }
                        return trainer.step(step, m);
                      },
                      null, List.of())
                  .run(manager)
                  .losses();
          double millis = (System.nanoTime() - start[0]) / 1e6 / steps;
          System.out.printf("%-18s batch %3d  %8.1f ms/step  %7.1f samples/s  last %s%n",
              kind.id(), stage.batchSize(), millis, stage.batchSize() * 1000 / millis, losses.get(losses.size() - 1));
        }
      }
    }
  }

  private static String parameterSummary(GraphPaintModel model) {
    StringBuilder out = new StringBuilder();
    for (String component : model.parameters().components().keySet()) {
      out.append(component).append('=').append(model.parameters().size(List.of(component))).append(' ');
    }
    return out.toString().trim();
  }
}
