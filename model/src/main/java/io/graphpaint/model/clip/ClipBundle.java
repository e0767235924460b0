package io.graphpaint.model.clip;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A CLIP with its tokenizer and image preprocessing, as one Hugging Face model directory holds them
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}).
 */
public record ClipBundle(ClipModel model, ClipTokenizer tokenizer, ClipImageProcessor imageProcessor)
    implements AutoCloseable {

  /** Loads a Hugging Face CLIP directory (e.g. a copy of {@code openai/clip-vit-base-patch32}). */
  public static ClipBundle load(Path directory, NDManager manager) throws IOException {
    ClipModel model = ClipModel.load(directory, manager);
    ClipTokenizer tokenizer = ClipTokenizer.load(directory, model.config());
    return new ClipBundle(model, tokenizer, ClipImageProcessor.forConfig(model.config().vision()));
  }

  /**
   * Creates a randomly initialised CLIP of {@code size} over a word-level vocabulary, writing its
   * {@code tokenizer.json} and {@code config.json} into {@code directory}.
   */
  public static ClipBundle createFresh(
      Path directory, List<String> words, int maxLength, ClipSize size, NDManager manager)
      throws IOException {
    WordLevelTokenizerWriter.Vocabulary vocabulary =
        WordLevelTokenizerWriter.write(directory.resolve(ClipTokenizer.FILE), words, maxLength);
    ClipConfig config = size.toConfig(vocabulary);
    config.write(directory.resolve(ClipModel.CONFIG_FILE));
    ClipModel model = ClipModel.create(config, manager);
    ClipTokenizer tokenizer = ClipTokenizer.load(directory, config);
    return new ClipBundle(model, tokenizer, ClipImageProcessor.forConfig(config.vision()));
  }

  /** Writes {@code config.json}, {@code model.safetensors} and {@code tokenizer.json}. */
  public void save(Path directory) throws IOException {
    model.save(directory);
    tokenizer.saveTo(directory);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
