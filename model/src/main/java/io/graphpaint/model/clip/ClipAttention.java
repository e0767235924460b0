package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.StateDictBlock;
import io.graphpaint.model.nn.TorchLinear;

/**
 * CLIP multi-head self-attention ({@code self_attn.{q,k,v,out}_proj}):
 * {@code softmax(Q K^T / sqrt(d) + mask) V}, composed from matMul and softmax.
 */
final class ClipAttention extends StateDictBlock {

  private final int numHeads;
  private final int headDim;
  private final float scale;
  private final TorchLinear qProj;
  private final TorchLinear kProj;
  private final TorchLinear vProj;
  private final TorchLinear outProj;

  ClipAttention(int hidden, int numHeads, int numLayers, double initFactor) {
    this.numHeads = numHeads;
    this.headDim = hidden / numHeads;
    this.scale = (float) Math.pow(headDim, -0.5);
    // transformers' CLIP init: in_proj_std = D^-0.5 (2L)^-0.5 f, out_proj_std = D^-0.5 f
    float inStd = (float) (Math.pow(hidden, -0.5) * Math.pow(2.0 * numLayers, -0.5) * initFactor);
    float outStd = (float) (Math.pow(hidden, -0.5) * initFactor);
    ConstantInitializer zero = new ConstantInitializer(0f);
    kProj = addNamedChild("k_proj", TorchLinear.of(hidden, hidden, true, new NormalInitializer(inStd), zero));
    vProj = addNamedChild("v_proj", TorchLinear.of(hidden, hidden, true, new NormalInitializer(inStd), zero));
    qProj = addNamedChild("q_proj", TorchLinear.of(hidden, hidden, true, new NormalInitializer(inStd), zero));
    outProj = addNamedChild("out_proj", TorchLinear.of(hidden, hidden, true, new NormalInitializer(outStd), zero));
  }

  /**
   * @param x (B, S, D)
   * @param additiveMask (B or 1, 1, S, S) added to the scores, or null
   * @return (B, S, D)
   */
  NDArray apply(ParameterStore ps, NDArray x, NDArray additiveMask, boolean training) {
    long b = x.getShape().get(0);
    long s = x.getShape().get(1);
    long d = x.getShape().get(2);
    NDArray q = heads(qProj.apply(ps, x, training).mul(scale), b, s); // (B, h, S, d)
    NDArray k = heads(kProj.apply(ps, x, training), b, s); // (B, h, S, d)
    NDArray v = heads(vProj.apply(ps, x, training), b, s); // (B, h, S, d)
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)); // (B, h, S, S)
    if (additiveMask != null) {
      scores = scores.add(additiveMask);
    }
    NDArray context = scores.softmax(-1).matMul(v); // (B, h, S, d)
    NDArray merged = context.transpose(0, 2, 1, 3).reshape(b, s, d); // (B, S, D)
    return outProj.apply(ps, merged, training);
  }

  private NDArray heads(NDArray x, long b, long s) {
    return x.reshape(b, s, numHeads, headDim).transpose(0, 2, 1, 3);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
  }
}
