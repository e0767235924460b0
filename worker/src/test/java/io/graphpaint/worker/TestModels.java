package io.graphpaint.worker;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.clip.WordLevelTokenizerWriter;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.model.data.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Model directories for worker tests: the real architecture ({@link ModelConfig#tiny}, 32x32, the
 * shapes vocabulary) with randomly initialised weights from a seeded engine, written and read by
 * the checkpoint API ({@link ModelDirectory}). The images are noise-like, but every byte comes from
 * the real pipeline: tokenizer, CLIP text tower, graph encoder, fusion, UNet, DDIM, PNG.
 */
public final class TestModels {

  public static final int TEXT_LENGTH = 24;
  public static final int SIZE = 16;
  private static final Map<String, Path> CACHE = new HashMap<>();
  private static Path root;

  private TestModels() {}

  public static Vocabulary vocabulary() {
    return ShapesWorld.vocabulary();
  }

  /** A model directory whose weights come from seed {@code weightsSeed}; written once per JVM. */
  public static synchronized Path directory(String version, int weightsSeed) {
    return CACHE.computeIfAbsent(version + "#" + weightsSeed, key -> write(version, weightsSeed));
  }

  private static Path write(String version, int weightsSeed) {
    try {
      if (root == null) {
        root = Files.createTempDirectory("graphpaint-worker-models");
        root.toFile().deleteOnExit();
      }
      Vocabulary vocabulary = vocabulary();
      WordLevelTokenizerWriter.Vocabulary tokens = WordLevelTokenizerWriter.write(
          root.resolve("tokenizer-" + version + ".json"), labelWords(), TEXT_LENGTH);
      byte[] tokenizer = Files.readAllBytes(root.resolve("tokenizer-" + version + ".json"));
      ModelConfig config = ModelConfig.tiny(vocabulary, tokens, SIZE);
      Path directory = root.resolve(version + "-" + weightsSeed);
      Engine.getInstance().setRandomSeed(weightsSeed);
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = GraphPaintModel.create(config, vocabulary, tokenizer, manager)) {
        ModelDirectory.save(model, directory, null, Map.of("weightsSeed", weightsSeed));
      }
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The words of the shapes labels and the prompt's comma: the tokenizer's vocabulary. */
  public static List<String> labelWords() {
    List<String> words = new ArrayList<>();
    for (String label : ShapesWorld.labels()) {
      words.addAll(List.of(label.split(" ")));
    }
    words.add(",");
    return words;
  }

  /** A copy of {@code source} whose UNet weights are cut short: it must fail to load. */
  public static Path corruptCopy(Path source, String name) {
    try {
      Path target = Files.createTempDirectory("graphpaint-corrupt-" + name);
      try (var files = Files.list(source)) {
        for (Path file : files.toList()) {
          Files.copy(file, target.resolve(file.getFileName()));
        }
      }
      Path unet = target.resolve(ModelDirectory.weightsFile(GraphPaintModel.UNET));
      byte[] bytes = Files.readAllBytes(unet);
      Files.write(unet, java.util.Arrays.copyOf(bytes, bytes.length / 2));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
