package io.graphpaint.worker;

import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.model.data.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Model directories for worker tests: copies of the trained default model shipped in the
 * repository ({@code models/default}: shapes vocabulary, 32x32 images), one copy per version
 * name, so that tests publish, upload and corrupt versions without touching the shipped files.
 */
public final class TestModels {

  /** Image size of the shipped model; checked against its {@code model.json} on first use. */
  public static final int SIZE = 32;
  private static final Map<String, Path> CACHE = new HashMap<>();
  private static Path root;

  private TestModels() {}

  public static Vocabulary vocabulary() {
    return ShapesWorld.vocabulary();
  }

  /** The shipped trained model, found by walking up from the working directory. */
  public static synchronized Path shipped() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("models").resolve("default");
      if (Files.isRegularFile(candidate.resolve("model.json"))) {
        checkSize(candidate);
        return candidate;
      }
    }
    throw new IllegalStateException("no models/default/model.json above " + start
        + ": the worker tests run on the trained model shipped in the repository");
  }

  private static void checkSize(Path directory) {
    try {
      String json = Files.readString(directory.resolve("model.json"));
      if (!json.contains("\"image_size\" : " + SIZE)) {
        throw new IllegalStateException(directory + "/model.json is not a " + SIZE + "x" + SIZE + " model");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of the shipped model for version {@code version}; made once per JVM. */
  public static synchronized Path directory(String version) {
    return CACHE.computeIfAbsent(version, key -> copy(shipped(), key));
  }

  private static Path copy(Path source, String name) {
    try {
      if (root == null) {
        root = Files.createTempDirectory("graphpaint-worker-models");
      }
      Path target = Files.createDirectories(root.resolve(name));
      try (var files = Files.list(source)) {
        for (Path file : files.toList()) {
          Files.copy(file, target.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of {@code source} whose UNet weights are cut short: it must fail to load. */
  public static Path corruptCopy(Path source, String name) {
    try {
      Path target = copy(source, "corrupt-" + name);
      Path unet = target.resolve(ModelDirectory.weightsFile(GraphPaintModel.UNET));
      byte[] bytes = Files.readAllBytes(unet);
      Files.write(unet, java.util.Arrays.copyOf(bytes, bytes.length / 2));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
