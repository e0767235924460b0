package io.graphpaint.model.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the training tools' command lines share: {@code --name value} pairs and output directories. */
final class CommandArguments {

  private CommandArguments() {}

  /**
   * {@code --name value} pairs by name; a name outside {@code known}, or one without a value, is
   * refused with {@code usage}.
   */
  static Map<String, String> pairs(String[] args, List<String> known, String usage) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'\n" + usage);
      }
      String name = args[i].substring(2);
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "\n" + usage);
      }
      values.put(name, args[i + 1]);
    }
    return values;
  }

  /** Refuses an {@code --out} that exists and is a file or a directory with anything in it. */
  static void requireNewOrEmpty(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " is a file; it must be a new or empty directory");
    }
    try (Stream<Path> entries = Files.list(out)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException("--out " + out + " is not empty; it must be a new or empty directory");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + out, e);
    }
  }
}
