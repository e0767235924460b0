package io.graphpaint.model.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** A {@link BlobSource} and {@link BlobSink} over a local directory: key {@code a/b} is file {@code root/a/b}. */
public final class DirectoryBlobStore implements BlobSource, BlobSink {

  private final Path root;

  public DirectoryBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The file for {@code key}; refuses keys that would leave the root. */
  public Path resolve(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\")) {
      throw new IllegalArgumentException("blob key must be a relative slash-separated path, got '" + key + "'");
    }
    Path file = root.resolve(key).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      throw new IllegalArgumentException("blob key '" + key + "' points outside the store");
    }
    return file;
  }

  @Override
  public byte[] get(String key) throws IOException {
    Path file = resolve(key);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no blob with key '" + key + "'");
    }
    return Files.readAllBytes(file);
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> k.startsWith(prefix == null ? "" : prefix))
          .sorted()
          .toList();
    }
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    Path file = resolve(key);
    Files.createDirectories(file.getParent());
    // Write then move, so readers never see half a file.
    Path tmp = Files.createTempFile(file.getParent(), ".put-", ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
