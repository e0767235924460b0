package io.graphpaint.model.train;

import io.graphpaint.model.clip.WordLevelTokenizerWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The word-level {@code tokenizer.json} of a closed-world dataset (every word known): the words
 * of its captions and prompts, written by {@link WordLevelTokenizerWriter}.
 *
 * @param json the tokenizer.json bytes
 * @param ids its vocabulary size, special ids and length
 */
public record WordTokenizer(byte[] json, WordLevelTokenizerWriter.Vocabulary ids) {

  /** Runs of letters and digits, or single punctuation marks: the pre-tokenizer's pieces. */
  private static final Pattern PIECES = Pattern.compile("\\w+|[^\\w\\s]");

  /** The distinct lowercased pieces of {@code texts}, sorted. */
  public static List<String> wordsOf(Collection<String> texts) {
    TreeSet<String> words = new TreeSet<>();
    for (String text : texts) {
      Matcher matcher = PIECES.matcher(text.toLowerCase(Locale.ROOT));
      while (matcher.find()) {
        words.add(matcher.group());
      }
    }
    return List.copyOf(words);
  }

  /** A tokenizer over the words of {@code texts}, padding and truncating to {@code maxLength}. */
  public static WordTokenizer of(Collection<String> texts, int maxLength) {
    try {
      Path file = Files.createTempFile("graphpaint-words", ".json");
      try {
        WordLevelTokenizerWriter.Vocabulary ids = WordLevelTokenizerWriter.write(file, wordsOf(texts), maxLength);
        return new WordTokenizer(Files.readAllBytes(file), ids);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write a tokenizer: " + e.getMessage(), e);
    }
  }
}
