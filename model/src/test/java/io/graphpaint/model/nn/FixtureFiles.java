package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Locates the shared reference fixtures ({@code ../shared/fixtures} beside the repository). */
public final class FixtureFiles {

  private FixtureFiles() {}

  /** The fixture folder {@code name}, found by walking up from the working directory. */
  public static Path dir(String name) {
    String override = System.getProperty("graphpaint.fixtures");
    if (override != null) {
      return requireDir(Path.of(override).resolve(name));
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("fixtures");
      if (Files.isDirectory(candidate)) {
        return requireDir(candidate.resolve(name));
      }
    }
    throw new IllegalStateException(
        "no shared/fixtures directory above " + start
            + "; the fixtures live in ../shared/fixtures relative to the repository root"
            + " (or set -Dgraphpaint.fixtures=<dir>)");
  }

  private static Path requireDir(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("fixture directory missing: " + dir);
    }
    return dir;
  }

  /** Reads a safetensors file into name -> array under {@code manager}. */
  public static Map<String, NDArray> tensors(NDManager manager, Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      Map<String, NDArray> byName = new LinkedHashMap<>();
      for (NDArray a : NDList.decode(manager, in)) {
        byName.put(a.getName(), a);
      }
      return byName;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Largest absolute difference, after checking shapes agree. */
  public static double maxAbsDiff(NDArray expected, NDArray actual) {
    if (!expected.getShape().equals(actual.getShape())) {
      throw new AssertionError(
          "shape " + actual.getShape() + " differs from expected " + expected.getShape());
    }
    return maxAbsDiff(expected.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
        actual.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
  }

  /** Largest absolute difference of two arrays of one length; infinite when a difference is NaN. */
  public static double maxAbsDiff(float[] e, float[] a) {
    if (e.length != a.length) {
      throw new AssertionError("length " + a.length + " differs from expected " + e.length);
    }
    double max = 0;
    for (int i = 0; i < e.length; i++) {
      double d = Math.abs(e[i] - a[i]);
      if (Double.isNaN(d)) {
        return Double.POSITIVE_INFINITY;
      }
      max = Math.max(max, d);
    }
    return max;
  }
}
