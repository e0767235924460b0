package io.graphpaint.model.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.StateDictBlock;
import io.graphpaint.model.nn.TorchLinear;

/**
 * sg2im's {@code build_mlp([in, hidden, out], final_nonlinearity=True)}: Linear, ReLU, Linear,
 * ReLU, an {@code nn.Sequential} whose linear layers are named {@code 0} and {@code 2}.
 */
final class GraphMlp extends StateDictBlock {

  private final TorchLinear first;
  private final TorchLinear second;

  GraphMlp(int in, int hidden, int out) {
    first = addNamedChild("0", TorchLinear.of(in, hidden, true));
    second = addNamedChild("2", TorchLinear.of(hidden, out, true));
  }

  /** (N, in) -> (N, out), both layers ReLU'd. */
  NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray h = Activation.relu(first.apply(ps, x, training));
    return Activation.relu(second.apply(ps, h, training));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
