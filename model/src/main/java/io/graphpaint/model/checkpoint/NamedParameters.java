package io.graphpaint.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.graphpaint.model.nn.StateDict;
import io.graphpaint.model.nn.StateDictBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The parameters of several named components (e.g. {@code unet}, {@code graphEncoder}) under
 * one flat namespace, {@code <component>.<state-dict name>} (e.g. {@code unet.conv_in.weight}), the
 * names used in safetensors
 * files. Loading is strict: a missing, unexpected or differently shaped tensor fails with a message
 * listing what differs.
 */
public final class NamedParameters {

  private final Map<String, Block> components = new LinkedHashMap<>();
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final Map<String, String> componentOf = new LinkedHashMap<>();

  /** Adds an initialized block under {@code component}; names must be unique. */
  public NamedParameters add(String component, Block block) {
    if (component == null || !component.matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "component name must match [A-Za-z][A-Za-z0-9_]*, got " + component);
    }
    if (components.containsKey(component)) {
      throw new IllegalArgumentException("component " + component + " was added twice");
    }
    components.put(component, block);
    Map<String, Parameter> named =
        block instanceof StateDictBlock stateDictBlock ? stateDictBlock.stateDict() : StateDict.parameters(block);
    for (Map.Entry<String, Parameter> entry : named.entrySet()) {
      String name = component + "." + entry.getKey();
      if (!entry.getValue().isInitialized()) {
        throw new IllegalStateException("parameter " + name + " is not initialized; initialize " + component + " first");
      }
      parameters.put(name, entry.getValue());
      componentOf.put(name, component);
    }
    return this;
  }

  public Map<String, Block> components() {
    return Collections.unmodifiableMap(components);
  }

  public Block component(String component) {
    Block block = components.get(component);
    if (block == null) {
      throw new IllegalArgumentException("no component " + component + "; have " + components.keySet());
    }
    return block;
  }

  /** Every parameter, name -> parameter, in insertion order. */
  public Map<String, Parameter> all() {
    return Collections.unmodifiableMap(parameters);
  }

  /** The parameters of the given components that take gradients (not running statistics). */
  public Map<String, Parameter> trainable(List<String> componentNames) {
    for (String component : componentNames) {
      component(component);
    }
    Map<String, Parameter> selected = new LinkedHashMap<>();
    parameters.forEach(
        (name, parameter) -> {
          if (componentNames.contains(componentOf.get(name)) && parameter.requiresGradient()) {
            selected.put(name, parameter);
          }
        });
    return selected;
  }

  /** The arrays of the given components (all of them when empty), name -> array. */
  public Map<String, NDArray> arrays(List<String> componentNames) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    parameters.forEach(
        (name, parameter) -> {
          if (componentNames.isEmpty() || componentNames.contains(componentOf.get(name))) {
            arrays.put(name, parameter.getArray());
          }
        });
    return arrays;
  }

  public Map<String, NDArray> arrays() {
    return arrays(List.of());
  }

  /** Number of scalar values in the given components (all when empty). */
  public long size(List<String> componentNames) {
    return arrays(componentNames).values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /**
   * Copies {@code tensors} into the parameters of {@code componentNames} (all components when
   * empty). Every parameter of those components must be present with the same shape, and no
   * tensor may be left over for them.
   *
   * @param source names the origin in error messages, e.g. a file path
   */
  public void load(Map<String, NDArray> tensors, List<String> componentNames, String source) {
    List<String> problems = new ArrayList<>();
    TreeSet<String> expected = new TreeSet<>();
    parameters.forEach(
        (name, parameter) -> {
          if (componentNames.isEmpty() || componentNames.contains(componentOf.get(name))) {
            expected.add(name);
          }
        });
    for (String name : expected) {
      NDArray loaded = tensors.get(name);
      NDArray target = parameters.get(name).getArray();
      if (loaded == null) {
        problems.add("missing " + name + " " + target.getShape());
      } else if (!loaded.getShape().equals(target.getShape())) {
        problems.add(name + " has shape " + loaded.getShape() + ", the model expects " + target.getShape());
      } else if (loaded.getDataType() != target.getDataType()) {
        problems.add(name + " has type " + loaded.getDataType() + ", the model expects " + target.getDataType());
      }
    }
    for (String name : new TreeSet<>(tensors.keySet())) {
      String component = name.contains(".") ? name.substring(0, name.indexOf('.')) : "";
      boolean inScope = componentNames.isEmpty() || componentNames.contains(component);
      if (inScope && !expected.contains(name)) {
        problems.add("unexpected " + name + " " + tensors.get(name).getShape());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "weights in " + source + " do not match the model architecture (" + problems.size()
              + " differences): " + String.join("; ", problems.subList(0, Math.min(20, problems.size())))
              + (problems.size() > 20 ? "; ..." : ""));
    }
    for (String name : expected) {
      tensors.get(name).copyTo(parameters.get(name).getArray());
    }
  }
}
