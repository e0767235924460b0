package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.StateDictBlock;
import io.graphpaint.model.nn.TorchLayerNorm;
import io.graphpaint.model.nn.TorchLinear;

/**
 * A pre-LayerNorm transformer block ({@code layer_norm1}, {@code self_attn}, {@code layer_norm2},
 * {@code mlp.fc1}, {@code mlp.fc2}): {@code x + attn(ln1(x))}, then {@code x + fc2(act(fc1(ln2(x))))}.
 */
final class ClipEncoderLayer extends StateDictBlock {

  private final ClipActivation activation;
  private final ClipAttention selfAttn;
  private final TorchLayerNorm layerNorm1;
  private final TorchLayerNorm layerNorm2;
  private final TorchLinear fc1;
  private final TorchLinear fc2;

  ClipEncoderLayer(
      int hidden, int intermediate, int numHeads, int numLayers, ClipActivation activation,
      float eps, double initFactor) {
    this.activation = activation;
    selfAttn = addNamedChild("self_attn", new ClipAttention(hidden, numHeads, numLayers, initFactor));
    layerNorm1 = addNamedChild("layer_norm1", new TorchLayerNorm(hidden, eps));
    // transformers' CLIP init: fc1 std (2D)^-0.5 f, fc2 std D^-0.5 (2L)^-0.5 f
    float fc1Std = (float) (Math.pow(2.0 * hidden, -0.5) * initFactor);
    float fc2Std = (float) (Math.pow(hidden, -0.5) * Math.pow(2.0 * numLayers, -0.5) * initFactor);
    ConstantInitializer zero = new ConstantInitializer(0f);
    fc1 = addNamedChild("mlp.fc1", TorchLinear.of(hidden, intermediate, true, new NormalInitializer(fc1Std), zero));
    fc2 = addNamedChild("mlp.fc2", TorchLinear.of(intermediate, hidden, true, new NormalInitializer(fc2Std), zero));
    layerNorm2 = addNamedChild("layer_norm2", new TorchLayerNorm(hidden, eps));
  }

  /** (B, S, D) -> (B, S, D). */
  NDArray apply(ParameterStore ps, NDArray x, NDArray additiveMask, boolean training) {
    NDArray h = x.add(selfAttn.apply(ps, layerNorm1.apply(ps, x, training), additiveMask, training));
    NDArray m = fc2.apply(ps, activation.apply(fc1.apply(ps, layerNorm2.apply(ps, h, training), training)), training);
    return h.add(m);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
  }
}
