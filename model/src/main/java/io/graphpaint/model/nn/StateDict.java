package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A block's parameters under stable, PyTorch-style dotted names ({@code
 * down.1.res.0.conv1.weight}), independent of DJL's numbered child keys ({@code
 * 05down.1.res.0_01conv1_weight}). The name of a parameter is the path of child names from the
 * root block, without DJL's two-digit position prefix, then the parameter's own name. These names
 * are the keys of graphpaint's safetensors checkpoints.
 */
public final class StateDict {

  private StateDict() {}

  /** All parameters of {@code block} by dotted name, in registration order. */
  public static Map<String, Parameter> parameters(Block block) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect(block, "", out);
    return Collections.unmodifiableMap(out);
  }

  private static void collect(Block block, String prefix, Map<String, Parameter> out) {
    for (Pair<String, Parameter> entry : block.getDirectParameters()) {
      put(out, prefix + entry.getValue().getName(), entry.getValue());
    }
    for (Pair<String, Block> child : block.getChildren()) {
      collect(child.getValue(), prefix + childName(child.getKey()) + ".", out);
    }
  }

  private static void put(Map<String, Parameter> out, String name, Parameter parameter) {
    if (out.put(name, parameter) != null) {
      throw new IllegalStateException("two parameters share the state-dict name " + name);
    }
  }

  /** DJL keys children as {@code %02d<name>}; the state dict uses the name alone. */
  static String childName(String key) {
    int i = 0;
    while (i < key.length() && Character.isDigit(key.charAt(i))) {
      i++;
    }
    return key.substring(i);
  }

  /**
   * A live view: each name maps to the parameter's current array (not a copy). The block must be
   * initialized.
   */
  public static Map<String, NDArray> view(Block block) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> entry : parameters(block).entrySet()) {
      if (!entry.getValue().isInitialized()) {
        throw new IllegalStateException(
            "parameter " + entry.getKey() + " is not initialized; initialize the block first");
      }
      out.put(entry.getKey(), entry.getValue().getArray());
    }
    return Collections.unmodifiableMap(out);
  }

  /** Total number of scalar parameters. */
  public static long countParameters(Block block) {
    long total = 0;
    for (NDArray array : view(block).values()) {
      total += array.size();
    }
    return total;
  }

  /**
   * Copies values into the block's (initialized) parameters. Every parameter must be present with
   * exactly its shape and no extra names may appear; otherwise nothing is copied and the error
   * names each offending parameter with its expected and found shape.
   */
  public static void load(Block block, Map<String, NDArray> values) {
    Map<String, NDArray> targets = view(block);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, NDArray> target : targets.entrySet()) {
      NDArray source = values.get(target.getKey());
      if (source == null) {
        problems.add(
            "missing parameter " + target.getKey() + " (expected shape "
                + target.getValue().getShape() + ")");
      } else if (!source.getShape().equals(target.getValue().getShape())) {
        problems.add(
            "parameter " + target.getKey() + ": expected shape " + target.getValue().getShape()
                + ", found " + source.getShape());
      } else if (source.getDataType() != target.getValue().getDataType()) {
        problems.add(
            "parameter " + target.getKey() + ": expected dtype "
                + target.getValue().getDataType() + ", found " + source.getDataType());
      }
    }
    for (String name : new TreeSet<>(values.keySet())) {
      if (!targets.containsKey(name)) {
        problems.add("unexpected parameter " + name + " (shape " + values.get(name).getShape()
            + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "state dict does not fit the model: " + String.join("; ", problems));
    }
    for (Map.Entry<String, NDArray> target : targets.entrySet()) {
      target.getValue().set(values.get(target.getKey()).toByteBuffer());
    }
  }

  /** Writes the block's parameters as safetensors under their state-dict names. */
  public static void save(Block block, OutputStream out) throws IOException {
    Map<String, NDArray> view = view(block);
    if (view.isEmpty()) {
      throw new IllegalStateException("block has no parameters to save");
    }
    NDManager scratch = view.values().iterator().next().getManager().newSubManager();
    try (scratch) {
      NDList list = new NDList();
      for (Map.Entry<String, NDArray> entry : view.entrySet()) {
        NDArray copy = entry.getValue().duplicate();
        copy.attach(scratch);
        copy.setName(entry.getKey());
        list.add(copy);
      }
      list.encode(out, NDList.Encoding.SAFETENSORS);
    }
  }

  /** Reads safetensors and {@link #load(Block, Map) loads} them with the same checks. */
  public static void load(Block block, InputStream in) throws IOException {
    Map<String, NDArray> view = view(block);
    if (view.isEmpty()) {
      throw new IllegalStateException("block has no parameters to load");
    }
    try (NDManager scratch = view.values().iterator().next().getManager().newSubManager()) {
      Map<String, NDArray> values = new LinkedHashMap<>();
      for (NDArray array : NDList.decode(scratch, in)) {
        values.put(array.getName(), array);
      }
      load(block, values);
    }
  }
}
