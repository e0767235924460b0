package io.graphpaint.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, found by walking up from the working directory to the reactor pom beside compose.yaml. */
final class RepositoryRoot {

  private RepositoryRoot() {}

  static Path find() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("compose.yaml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root (a directory with pom.xml and compose.yaml) above "
        + System.getProperty("user.dir"));
  }
}
