package io.graphpaint.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors in the safetensors format, through DJL's codec. Writes go to a temporary file
 * that is moved into place, so a reader never sees half a file.
 */
public final class SafetensorsFile {

  private SafetensorsFile() {}

  /** Writes {@code tensors} (name -> array) to {@code file}, in the map's order. */
  public static void write(Path file, Map<String, NDArray> tensors) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("refusing to write an empty safetensors file " + file);
    }
    NDList list = new NDList(tensors.size());
    Map<NDArray, String> previousNames = new java.util.IdentityHashMap<>();
    for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
      NDArray array = entry.getValue();
      if (previousNames.containsKey(array)) {
        throw new IllegalArgumentException(
            "the same array is listed twice, as " + previousNames.get(array) + " and " + entry.getKey());
      }
      previousNames.put(array, array.getName());
      array.setName(entry.getKey());
      list.add(array);
    }
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary))) {
        list.encode(out, NDList.Encoding.SAFETENSORS);
      }
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write safetensors file " + file, e);
    } finally {
      // the names were only needed for encoding: give the callers' arrays theirs back
      previousNames.forEach(NDArray::setName);
    }
  }

  /** Reads every tensor of {@code file} into {@code manager}, name -> array, in file order. */
  public static Map<String, NDArray> read(Path file, NDManager manager) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("safetensors file not found: " + file);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      NDList list;
      try {
        list = NDList.decode(manager, in);
      } catch (IllegalArgumentException e) {
        // DJL says only "Malformed data": name the file
        throw new IllegalArgumentException("safetensors file " + file + " is not readable: " + e.getMessage(), e);
      }
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      for (NDArray array : list) {
        if (array.getName() == null || tensors.put(array.getName(), array) != null) {
          throw new IllegalArgumentException(
              "safetensors file " + file + " holds an unnamed or repeated tensor: " + array.getName());
        }
      }
      return tensors;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read safetensors file " + file, e);
    }
  }
}
