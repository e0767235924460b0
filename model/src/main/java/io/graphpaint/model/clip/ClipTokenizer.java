package io.graphpaint.model.clip;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * CLIP's tokenizer from a Hugging Face {@code tokenizer.json} (through DJL's binding of the
 * {@code tokenizers} library): adds {@code <|startoftext|>} / {@code <|endoftext|>}, truncates to the
 * text tower's length and pads to it with {@code <|endoftext|>} (or the file's own pad token),
 * as transformers' CLIP tokenizer does with {@code padding="max_length"}.
 */
public final class ClipTokenizer implements AutoCloseable {

  public static final String FILE = "tokenizer.json";
  public static final String START_OF_TEXT = "<|startoftext|>";
  public static final String END_OF_TEXT = "<|endoftext|>";

  private final Path source;
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;

  private ClipTokenizer(Path source, HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
    this.source = source;
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.padId = padId;
  }

  /**
   * @param tokenizerJson a Hugging Face {@code tokenizer.json}
   * @param maxLength sequence length S (the text tower's {@code max_position_embeddings})
   */
  public static ClipTokenizer load(Path tokenizerJson, int maxLength) throws IOException {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be >= 2 (start and end tokens), got " + maxLength);
    }
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("tokenizer file not found: " + tokenizerJson);
    }
    long padId = padId(new ObjectMapper().readTree(tokenizerJson.toFile()), tokenizerJson);
    HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerJson)
            .optAddSpecialTokens(true)
            .optTruncation(true)
            .optMaxLength(maxLength)
            .optPadToMaxLength()
            .build();
    return new ClipTokenizer(tokenizerJson, tokenizer, maxLength, padId);
  }

  /** Loads {@code tokenizer.json} of a model directory with the length of {@code config}. */
  public static ClipTokenizer load(Path directory, ClipConfig config) throws IOException {
    return load(directory.resolve(FILE), config.text().maxPositions());
  }

  private static long padId(JsonNode root, Path file) throws IOException {
    JsonNode padding = root.path("padding");
    if (padding.has("pad_id")) {
      return padding.get("pad_id").asLong();
    }
    for (JsonNode added : root.path("added_tokens")) {
      if (END_OF_TEXT.equals(added.path("content").asText())) {
        return added.path("id").asLong();
      }
    }
    JsonNode vocabId = root.path("model").path("vocab").path(END_OF_TEXT);
    if (vocabId.isNumber()) {
      return vocabId.asLong();
    }
    throw new IOException(file + " defines neither padding.pad_id nor the token " + END_OF_TEXT);
  }

  public int maxLength() {
    return maxLength;
  }

  public long padId() {
    return padId;
  }

  /** Tokenizes a batch; every row has {@link #maxLength()} ids. */
  public TokenizedText encode(List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("texts must not be empty");
    }
    Encoding[] encodings = tokenizer.batchEncode(texts);
    long[][] ids = new long[texts.size()][];
    long[][] masks = new long[texts.size()][];
    for (int i = 0; i < encodings.length; i++) {
      long[] rowIds = encodings[i].getIds();
      long[] rowMask = encodings[i].getAttentionMask();
      if (rowIds.length != maxLength) {
        throw new IllegalStateException(
            "tokenizer returned " + rowIds.length + " ids for text " + i + ", expected " + maxLength);
      }
      for (int j = 0; j < rowIds.length; j++) {
        if (rowMask[j] == 0) {
          rowIds[j] = padId; // a tokenizer.json without padding settings pads with id 0
        }
      }
      ids[i] = rowIds;
      masks[i] = rowMask;
    }
    return new TokenizedText(ids, masks);
  }

  /** The tokens (strings) of one text, without padding. */
  public List<String> tokens(String text) {
    Encoding e = tokenizer.encode(text);
    String[] tokens = e.getTokens();
    long[] mask = e.getAttentionMask();
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      if (mask[i] != 0) {
        out.add(tokens[i]);
      }
    }
    return out;
  }

  /** Copies the {@code tokenizer.json} into a model directory. */
  public void saveTo(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path target = directory.resolve(FILE);
    if (!Files.exists(target) || !Files.isSameFile(source, target)) {
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
