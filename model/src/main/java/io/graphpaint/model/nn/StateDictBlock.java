package io.graphpaint.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block whose parameters carry PyTorch state-dict names ({@code encoder.layers.0.fc1.weight}),
 * so checkpoints written by PyTorch code (Hugging Face, SGDiff) load by name and graphpaint writes
 * checkpoints those tools read back.
 *
 * <p>Every parameter has a fixed shape from the configuration, so a block can be initialised without
 * an example input ({@link #initializeParameters(NDManager)}); it still works with DJL's {@code
 * Trainer}, whose {@code initialize(shapes)} ends up in the same place.
 */
public abstract class StateDictBlock extends AbstractBlock {

  private final Map<String, StateDictBlock> namedChildren = new LinkedHashMap<>();
  private final Map<String, Parameter> namedParameters = new LinkedHashMap<>();

  /** Registers a child under its PyTorch attribute name (dots allowed: {@code "layers.3"}). */
  protected final <B extends StateDictBlock> B addNamedChild(String torchName, B child) {
    if (namedChildren.containsKey(torchName)) {
      throw new IllegalArgumentException("child '" + torchName + "' registered twice");
    }
    addChildBlock(torchName, child);
    namedChildren.put(torchName, child);
    return child;
  }

  /** Registers a parameter of fixed shape under its PyTorch name ({@code "weight"}). */
  protected final Parameter addNamedParameter(
      String torchName, Parameter.Type type, Shape shape, Initializer initializer) {
    Parameter parameter =
        Parameter.builder()
            .setName(torchName)
            .setType(type)
            .optShape(shape)
            .optInitializer(initializer)
            .build();
    addParameter(parameter);
    namedParameters.put(torchName, parameter);
    return parameter;
  }

  /** All parameters of this block and its children under their full dotted PyTorch names. */
  public final Map<String, Parameter> stateDict() {
    Map<String, Parameter> all = new LinkedHashMap<>();
    collect("", all);
    return Collections.unmodifiableMap(all);
  }

  private void collect(String prefix, Map<String, Parameter> into) {
    namedParameters.forEach((name, p) -> into.put(prefix + name, p));
    namedChildren.forEach((name, child) -> child.collect(prefix + name + ".", into));
  }

  /** Allocates every parameter with its initializer; shapes come from the configuration. */
  public final void initializeParameters(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (StateDictBlock child : namedChildren.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  /** Number of trainable scalars. */
  public final long parameterCount() {
    return stateDict().values().stream().mapToLong(p -> p.getShape().size()).sum();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " derives its output shapes from its configuration; run forward");
  }

  /** The value of a parameter for this forward pass, on the device of {@code like}. */
  protected static NDArray value(
      ParameterStore parameterStore, Parameter parameter, NDArray like, boolean training) {
    return parameterStore.getValue(parameter, like.getDevice(), training);
  }

  /**
   * Moves {@code derived}, an array computed from a parameter alone, to the manager of {@code like}
   * (results attach to their first operand's manager, which for a parameter is the long-lived
   * model manager: without this every call would leave an array there).
   */
  protected static NDArray onManagerOf(NDArray like, NDArray derived) {
    derived.attach(like.getManager());
    return derived;
  }

  /** Runs a single-input, single-output child block. */
  protected static NDArray apply(
      StateDictBlock block, ParameterStore parameterStore, NDArray input, boolean training) {
    return block.forward(parameterStore, new NDList(input), training).singletonOrThrow();
  }
}
