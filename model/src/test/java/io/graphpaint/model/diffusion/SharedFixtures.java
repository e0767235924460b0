package io.graphpaint.model.diffusion;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared parity fixtures: {@code shared/fixtures}, a sibling of the repository root. */
final class SharedFixtures {

  private SharedFixtures() {}

  /** The directory of one fixture set, e.g. {@code ddim}; fails with a clear message if absent. */
  static Path dir(String name) {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("fixtures").resolve(name);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "fixture directory shared/fixtures/" + name + " not found in " + start
            + " or any parent; the fixtures live beside the repository root");
  }
}
