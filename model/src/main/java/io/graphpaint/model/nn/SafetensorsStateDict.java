package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads and writes a {@link StateDictBlock}'s parameters as a safetensors state dict under their
 * PyTorch names, the format Hugging Face and PyTorch code write ({@code model.safetensors}).
 */
public final class SafetensorsStateDict {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsStateDict() {}

  /**
   * What a load did besides filling every parameter.
   *
   * @param loaded number of parameters filled
   * @param ignored checkpoint tensors that match no parameter (buffers such as {@code position_ids},
   *     heads this block does not have)
   */
  public record LoadReport(int loaded, List<String> ignored) {}

  /**
   * Writes every parameter of {@code block} to {@code file}: float32, PyTorch names, and the
   * {@code {"format": "pt"}} metadata transformers' {@code save_pretrained} writes.
   */
  public static void save(StateDictBlock block, Path file) throws IOException {
    Map<String, Parameter> params = block.stateDict();
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    List<float[]> data = new ArrayList<>();
    long offset = 0;
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      Parameter p = e.getValue();
      if (!p.isInitialized()) {
        throw new IllegalStateException("parameter '" + e.getKey() + "' is not initialised");
      }
      float[] values = p.getArray().toType(DataType.FLOAT32, false).toFloatArray();
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", "F32");
      ArrayNode shape = entry.putArray("shape");
      for (long dim : p.getShape().getShape()) {
        shape.add(dim);
      }
      long end = offset + 4L * values.length;
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
      data.add(values);
    }
    byte[] headerBytes = JSON.writeValueAsBytes(header);
    int padded = (headerBytes.length + 7) / 8 * 8; // the format pads the header with spaces to 8 bytes
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(headerBytes);
      for (int i = headerBytes.length; i < padded; i++) {
        out.write(' ');
      }
      for (float[] values : data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        out.write(buffer.array());
      }
    }
  }

  /** Fills every parameter of an initialised {@code block} from {@code file}, names as saved. */
  public static LoadReport load(StateDictBlock block, Path file) throws IOException {
    return load(block, file, "");
  }

  /**
   * Fills every parameter of an initialised {@code block} from {@code file}, where the block's
   * names appear under {@code prefix} (e.g. {@code "cond_stage_model."} inside a larger model).
   *
   * @throws IllegalArgumentException naming the parameter, the expected and the found shape when a
   *     shape differs, or listing the parameters the file lacks
   */
  public static LoadReport load(StateDictBlock block, Path file, String prefix) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("state dict file not found: " + file);
    }
    Map<String, Parameter> params = block.stateDict();
    try (NDManager scratch = NDManager.newBaseManager();
        InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      NDList tensors = NDList.decode(scratch, in);
      java.util.Map<String, NDArray> byName = new java.util.HashMap<>();
      for (NDArray t : tensors) {
        byName.put(t.getName(), t);
      }
      List<String> missing = new ArrayList<>();
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        NDArray found = byName.get(prefix + e.getKey());
        if (found == null) {
          missing.add(prefix + e.getKey());
          continue;
        }
        Parameter p = e.getValue();
        if (!found.getShape().equals(p.getShape())) {
          throw new IllegalArgumentException(
              "parameter '"
                  + prefix
                  + e.getKey()
                  + "' expects shape "
                  + p.getShape()
                  + " but "
                  + file.getFileName()
                  + " holds shape "
                  + found.getShape());
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            file.getFileName() + " lacks " + missing.size() + " parameter(s): " + missing);
      }
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        Parameter p = e.getValue();
        if (!p.isInitialized()) {
          throw new IllegalStateException(
              "initialise the block before loading: '" + e.getKey() + "' has no array");
        }
        NDArray found = byName.get(prefix + e.getKey());
        NDArray f32 = found.getDataType() == DataType.FLOAT32 ? found : found.toType(DataType.FLOAT32, false);
        p.getArray().set(f32.toByteBuffer());
      }
      TreeSet<String> ignored = new TreeSet<>();
      for (String name : byName.keySet()) {
        if (!name.startsWith(prefix) || !params.containsKey(name.substring(prefix.length()))) {
          ignored.add(name);
        }
      }
      return new LoadReport(params.size(), List.copyOf(ignored));
    }
  }
}
