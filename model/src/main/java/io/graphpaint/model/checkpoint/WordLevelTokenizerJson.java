package io.graphpaint.model.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.model.clip.ClipTokenizer;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A CLIP-compatible {@code tokenizer.json} (Hugging Face tokenizers format) for a closed world
 * whose words are all known, such as the shapes world: lowercase, split on whitespace and
 * punctuation, one id per word, {@code <|startoftext|> ... <|endoftext|>} around every text,
 * padded with {@code <|endoftext|>}. No pre-trained BPE vocabulary can be had here, and a word
 * vocabulary keeps the text tower small.
 *
 * <p>Ids: {@code [UNK]} = 0, the words in sorted order, then {@code <|startoftext|>} and {@code
 * <|endoftext|>} last, so the end token has the highest id, which is what CLIP's
 * {@code eos_token_id = 2} pooling rule looks for.
 */
public final class WordLevelTokenizerJson {

  public static final String UNKNOWN = "[UNK]";

  private static final ObjectMapper JSON = new ObjectMapper();

  private WordLevelTokenizerJson() {}

  /** The words of {@code texts} as the tokenizer will split them (lowercased, sorted, distinct). */
  public static List<String> wordsOf(Collection<String> texts) {
    TreeSet<String> words = new TreeSet<>();
    for (String text : texts) {
      // the Whitespace pre-tokenizer's rule: \w+ or runs of [^\w\s]
      java.util.regex.Matcher matcher =
          java.util.regex.Pattern.compile("\\w+|[^\\w\\s]+").matcher(text.toLowerCase(Locale.ROOT));
      while (matcher.find()) {
        words.add(matcher.group());
      }
    }
    words.remove(UNKNOWN.toLowerCase(Locale.ROOT));
    return List.copyOf(words);
  }

  /** Vocabulary size for {@code wordCount} words: words + unknown + start + end. */
  public static int vocabularySize(int wordCount) {
    return wordCount + 3;
  }

  /** Id of {@code <|startoftext|>}. */
  public static int startId(int wordCount) {
    return wordCount + 1;
  }

  /** Id of {@code <|endoftext|>} (also padding), the highest id. */
  public static int endId(int wordCount) {
    return wordCount + 2;
  }

  /** The tokenizer.json text for {@code words}, padding and truncating to {@code maxLength}. */
  public static String build(List<String> words, int maxLength) {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("words must not be empty");
    }
    int start = startId(words.size());
    int end = endId(words.size());
    ObjectNode root = JSON.createObjectNode();
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
    added.add(addedToken(0, UNKNOWN));
    added.add(addedToken(start, ClipTokenizer.START_OF_TEXT));
    added.add(addedToken(end, ClipTokenizer.END_OF_TEXT));
    root.putObject("normalizer").put("type", "Lowercase");
    root.putObject("pre_tokenizer").put("type", "Whitespace");
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.add(special(ClipTokenizer.START_OF_TEXT));
    single.add(sequence("A", 0));
    single.add(special(ClipTokenizer.END_OF_TEXT));
    ArrayNode pair = post.putArray("pair");
    pair.add(special(ClipTokenizer.START_OF_TEXT));
    pair.add(sequence("A", 0));
    pair.add(special(ClipTokenizer.END_OF_TEXT));
    pair.add(sequence("B", 1));
    pair.add(special(ClipTokenizer.END_OF_TEXT));
    ObjectNode specials = post.putObject("special_tokens");
    specialEntry(specials, ClipTokenizer.START_OF_TEXT, start);
    specialEntry(specials, ClipTokenizer.END_OF_TEXT, end);
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    ObjectNode vocab = model.putObject("vocab");
    vocab.put(UNKNOWN, 0);
    for (int i = 0; i < words.size(); i++) {
      vocab.put(words.get(i), i + 1);
    }
    vocab.put(ClipTokenizer.START_OF_TEXT, start);
    vocab.put(ClipTokenizer.END_OF_TEXT, end);
    model.put("unk_token", UNKNOWN);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode addedToken(int id, String content) {
    ObjectNode token = JSON.createObjectNode();
    token.put("id", id);
    token.put("content", content);
    token.put("single_word", false);
    token.put("lstrip", false);
    token.put("rstrip", false);
    token.put("normalized", false);
    token.put("special", true);
    return token;
  }

  private static ObjectNode special(String token) {
    ObjectNode node = JSON.createObjectNode();
    node.putObject("SpecialToken").put("id", token).put("type_id", 0);
    return node;
  }

  private static ObjectNode sequence(String id, int typeId) {
    ObjectNode node = JSON.createObjectNode();
    node.putObject("Sequence").put("id", id).put("type_id", typeId);
    return node;
  }

  private static void specialEntry(ObjectNode specials, String token, int id) {
    ObjectNode entry = specials.putObject(token);
    entry.put("id", token);
    entry.putArray("ids").add(id);
    entry.putArray("tokens").add(token);
  }
}
