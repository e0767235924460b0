package io.graphpaint.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The graphpaint installation: the repository root or an unpacked distribution, where the shipped
 * model lives ({@code models/default}). The launcher passes it as {@code -Dgraphpaint.home}; without
 * it, the directory above {@code cli/target/graphpaint.jar}, else the working directory.
 */
final class Home {

  static final String PROPERTY = "graphpaint.home";
  static final Path DEFAULT_MODEL = Path.of("models", "default");

  private Home() {}

  static Path directory() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    try {
      var source = Home.class.getProtectionDomain().getCodeSource();
      if (source != null) {
        Path location = Path.of(source.getLocation().toURI()).toAbsolutePath();
        // <root>/cli/target/graphpaint.jar or <root>/cli/target/classes
        Path root = location.getParent() == null || location.getParent().getParent() == null ? null
            : location.getParent().getParent().getParent();
        if (root != null && (Files.isDirectory(root.resolve("models")) || Files.isRegularFile(root.resolve("pom.xml")))) {
          return root;
        }
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      // fall through to the working directory
    }
    return Path.of("").toAbsolutePath();
  }

  static Path defaultModel() {
    return directory().resolve(DEFAULT_MODEL);
  }
}
