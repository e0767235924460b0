package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.StateDictBlock;
import java.util.ArrayList;
import java.util.List;

/** {@code encoder.layers.0 .. encoder.layers.{L-1}}. */
final class ClipEncoder extends StateDictBlock {

  private final List<ClipEncoderLayer> layers = new ArrayList<>();

  ClipEncoder(
      int hidden, int intermediate, int numHeads, int numLayers, ClipActivation activation,
      float eps, double initFactor) {
    for (int i = 0; i < numLayers; i++) {
      layers.add(
          addNamedChild(
              "layers." + i,
              new ClipEncoderLayer(hidden, intermediate, numHeads, numLayers, activation, eps, initFactor)));
    }
  }

  /** (B, S, D) -> (B, S, D). */
  NDArray apply(ParameterStore ps, NDArray x, NDArray additiveMask, boolean training) {
    NDArray h = x;
    for (ClipEncoderLayer layer : layers) {
      h = layer.apply(ps, h, additiveMask, training);
    }
    return h;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
  }
}
