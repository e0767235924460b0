package io.graphpaint.model.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a Hugging Face {@code tokenizer.json} for the CLIPs graphpaint trains itself: a word-level
 * model over a given word list (NFC + lowercase, split at whitespace and punctuation), {@code
 * <|startoftext|>} / {@code <|endoftext|>} around every text, truncation and padding (with {@code
 * <|endoftext|>}) to a fixed length. Ids: the words in order, then {@code <|unk|>}, {@code
 * <|startoftext|>}, {@code <|endoftext|>}, so the end token has the highest id as in OpenAI's CLIP.
 */
public final class WordLevelTokenizerWriter {

  public static final String UNKNOWN = "<|unk|>";

  private WordLevelTokenizerWriter() {}

  /**
   * The ids of a written vocabulary.
   *
   * @param vocabSize words + 3 special tokens
   */
  public record Vocabulary(int vocabSize, int unknownId, int startId, int endId, int maxLength) {}

  /**
   * @param words lowercase-able words; each must be one pre-token (no whitespace, and either no
   *     punctuation or a single punctuation character); duplicates are dropped
   */
  public static Vocabulary write(Path tokenizerJson, List<String> words, int maxLength) throws IOException {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be >= 2 (start and end tokens), got " + maxLength);
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String w : words) {
      String word = w.toLowerCase(Locale.ROOT);
      boolean punctuationOnly = word.length() == 1 && !Character.isLetterOrDigit(word.charAt(0));
      if (word.isEmpty() || word.chars().anyMatch(Character::isWhitespace)
          || (!punctuationOnly && word.chars().anyMatch(c -> !Character.isLetterOrDigit(c)))) {
        throw new IllegalArgumentException(
            "word '" + w + "' is not a single token: use letters/digits only, or one punctuation character");
      }
      if (word.startsWith("<|")) {
        throw new IllegalArgumentException("word '" + w + "' collides with a special token");
      }
      unique.add(word);
    }
    if (unique.isEmpty()) {
      throw new IllegalArgumentException("words must not be empty");
    }
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode vocab = json.createObjectNode();
    int id = 0;
    for (String word : unique) {
      vocab.put(word, id++);
    }
    int unk = id++;
    int start = id++;
    int end = id++;
    vocab.put(UNKNOWN, unk);
    vocab.put(ClipTokenizer.START_OF_TEXT, start);
    vocab.put(ClipTokenizer.END_OF_TEXT, end);

    ObjectNode root = json.createObjectNode();
    root.put("version", "1.0");
    ObjectNode truncation = root.putObject("truncation");
    truncation.put("direction", "Right");
    truncation.put("max_length", maxLength);
    truncation.put("strategy", "LongestFirst");
    truncation.put("stride", 0);
    ObjectNode padding = root.putObject("padding");
    padding.putObject("strategy").put("Fixed", maxLength);
    padding.put("direction", "Right");
    padding.putNull("pad_to_multiple_of");
    padding.put("pad_id", end);
    padding.put("pad_type_id", 0);
    padding.put("pad_token", ClipTokenizer.END_OF_TEXT);
    ArrayNode added = root.putArray("added_tokens");
    addSpecial(added, unk, UNKNOWN);
    addSpecial(added, start, ClipTokenizer.START_OF_TEXT);
    addSpecial(added, end, ClipTokenizer.END_OF_TEXT);
    ObjectNode normalizer = root.putObject("normalizer");
    normalizer.put("type", "Sequence");
    ArrayNode normalizers = normalizer.putArray("normalizers");
    normalizers.addObject().put("type", "NFC");
    normalizers.addObject().put("type", "Lowercase");
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    special(single, ClipTokenizer.START_OF_TEXT);
    sequence(single, "A");
    special(single, ClipTokenizer.END_OF_TEXT);
    ArrayNode pair = post.putArray("pair");
    special(pair, ClipTokenizer.START_OF_TEXT);
    sequence(pair, "A");
    sequence(pair, "B");
    special(pair, ClipTokenizer.END_OF_TEXT);
    ObjectNode specials = post.putObject("special_tokens");
    specialEntry(specials, ClipTokenizer.START_OF_TEXT, start);
    specialEntry(specials, ClipTokenizer.END_OF_TEXT, end);
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    model.set("vocab", vocab);
    model.put("unk_token", UNKNOWN);

    Path parent = tokenizerJson.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(tokenizerJson, json.writeValueAsString(root));
    return new Vocabulary(id, unk, start, end, maxLength);
  }

  private static void addSpecial(ArrayNode added, int id, String content) {
    ObjectNode t = added.addObject();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", false);
    t.put("lstrip", false);
    t.put("rstrip", false);
    t.put("normalized", false);
    t.put("special", true);
  }

  private static void special(ArrayNode template, String token) {
    ObjectNode s = template.addObject().putObject("SpecialToken");
    s.put("id", token);
    s.put("type_id", 0);
  }

  private static void sequence(ArrayNode template, String which) {
    ObjectNode s = template.addObject().putObject("Sequence");
    s.put("id", which);
    s.put("type_id", 0);
  }

  private static void specialEntry(ObjectNode specials, String token, int id) {
    ObjectNode e = specials.putObject(token);
    e.put("id", token);
    e.putArray("ids").add(id);
    e.putArray("tokens").add(token);
  }
}
