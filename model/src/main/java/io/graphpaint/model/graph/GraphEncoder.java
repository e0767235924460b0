package io.graphpaint.model.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.SafetensorsStateDict;
import io.graphpaint.model.nn.StateDictBlock;
import io.graphpaint.model.nn.TorchEmbedding;
import io.graphpaint.model.nn.TorchLinear;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The scene-graph encoder: sg2im triple graph convolution with average pooling, as SGDiff's {@code
 * CGIPModel} builds it, with SGDiff's parameter names ({@code obj_embeddings.weight}, {@code
 * graph_conv.net1.0.weight}, {@code graph_net.gconvs.0.net2.2.bias}, {@code graph_projection.*},
 * {@code logit_scale}) so SGDiff / paper checkpoints warm-start it.
 *
 * <pre>
 *   v_i = obj_embeddings(objs), v_p = pred_embeddings(p)      (O, D), (T, D)
 *   v   = graph_net(graph_conv(v))                             graphNetLayers + 1 convolutions
 *   G_global = graph_projection([mean_i v_i ; mean_t v_p])     (B, 2D) -> (B, D)
 *   local    = [v_s; v_p; v_o] of each graph's first triples   (B, maxTriples, 3D)
 * </pre>
 *
 * {@code logit_scale} (initialised to log(1 / 0.07)) is the temperature of the graph-image
 * contrastive alignment ({@code L_CLIP} of stage 1); the forward pass does not use it.
 *
 * <p>DJL forward: inputs {@code [objs (O), triples (T, 3), objToImg (O), tripleToImg (T)]} (all
 * int64), outputs {@link GraphEncoding#toList()}; the number of graphs is {@code max(objToImg) + 1}
 * there, as in SGDiff. Prefer {@link #encode} with a {@link GraphBatch}.
 */
public final class GraphEncoder extends StateDictBlock {

  private final GraphEncoderConfig config;
  private final TorchEmbedding objEmbeddings;
  private final TorchEmbedding predEmbeddings;
  private final GraphTripleConv graphConv;
  private final GraphTripleConvNet graphNet;
  private final TorchLinear graphProjection;
  private final Parameter logitScale;

  public GraphEncoder(GraphEncoderConfig config) {
    this.config = config;
    int d = config.embedDim();
    int h = config.hiddenDim();
    objEmbeddings = addNamedChild("obj_embeddings", new TorchEmbedding(config.numObjectClasses() + 1L, d));
    predEmbeddings = addNamedChild("pred_embeddings", new TorchEmbedding(config.numPredicates(), d));
    graphConv = addNamedChild("graph_conv", new GraphTripleConv(d, h, d));
    graphNet = addNamedChild("graph_net", new GraphTripleConvNet(d, h, config.graphNetLayers()));
    graphProjection = addNamedChild("graph_projection", TorchLinear.of(2L * d, d, true));
    logitScale =
        addNamedParameter(
            "logit_scale",
            Parameter.Type.OTHER,
            new Shape(),
            new ConstantInitializer((float) Math.log(1 / 0.07)));
  }

  public GraphEncoderConfig config() {
    return config;
  }

  /** The contrastive temperature parameter (a scalar, log scale). */
  public Parameter logitScale() {
    return logitScale;
  }

  /** Creates an encoder, initialises it under {@code manager} and loads {@code weights}. */
  public static GraphEncoder load(GraphEncoderConfig config, NDManager manager, Path weights)
      throws IOException {
    GraphEncoder encoder = new GraphEncoder(config);
    encoder.initializeParameters(manager);
    SafetensorsStateDict.load(encoder, weights);
    return encoder;
  }

  /** Writes the parameters under SGDiff's names. */
  public void save(Path weights) throws IOException {
    SafetensorsStateDict.save(this, weights);
  }

  /**
   * Encodes a batch. Intermediate and result arrays attach to the manager of {@code batch.objs()}:
   * give the batch a per-step / per-request manager.
   */
  public GraphEncoding encode(ParameterStore ps, GraphBatch batch, boolean training) {
    validateIds(batch);
    NDManager manager = batch.objs().getManager();
    GraphIncidence g =
        GraphIncidence.of(manager, batch, config.maxTriplesPerGraph(), config.maxObjectsPerGraph());
    int numGraphs = batch.numGraphs();
    int d = config.embedDim();

    NDArray predIds = batch.triples().get(new NDIndex(":, 1")); // (T)
    NDArray objVecs = objEmbeddings.apply(ps, batch.objs(), training); // (O, D)
    NDArray predVecs = predEmbeddings.apply(ps, predIds, training); // (T, D)

    NDList first = graphConv.apply(ps, objVecs, predVecs, g, training);
    NDList last = graphNet.apply(ps, first.get(0), first.get(1), g, training);
    NDArray finalObj = last.get(0); // (O, D)
    NDArray finalPred = last.get(1); // (T, D)

    NDArray objMean = g.objectMean().matMul(finalObj); // (B, D)
    NDArray predMean = g.tripleMean().matMul(finalPred); // (B, D)
    NDArray global =
        graphProjection.apply(ps, NDArrays.concat(new NDList(objMean, predMean), 1), training);

    NDArray tripleVecs =
        NDArrays.concat(
            new NDList(
                g.subjectOneHot().matMul(finalObj), finalPred, g.objectOneHot().matMul(finalObj)),
            1); // (T, 3D)
    NDArray tripleTokens =
        g.tripleSlots()
            .matMul(tripleVecs)
            .reshape(numGraphs, config.maxTriplesPerGraph(), 3L * d); // (B, maxT, 3D)
    NDArray objectTokens =
        g.objectSlots()
            .matMul(finalObj)
            .reshape(numGraphs, config.maxObjectsPerGraph(), d); // (B, maxO, D)
    return new GraphEncoding(
        global,
        tripleTokens,
        g.tripleMask(),
        objectTokens,
        g.objectMask(),
        finalObj,
        finalPred,
        first.get(0),
        first.get(1));
  }

  private void validateIds(GraphBatch batch) {
    if (batch.numGraphs() < 1) {
      throw new IllegalArgumentException("numGraphs must be >= 1, got " + batch.numGraphs());
    }
    long[] objs = batch.objs().toLongArray();
    for (int i = 0; i < objs.length; i++) {
      if (objs[i] < 0 || objs[i] > config.imageNodeId()) {
        throw new IllegalArgumentException(
            "objs[" + i + "] is " + objs[i] + ", allowed object ids are [0, "
                + config.imageNodeId() + "] (" + config.imageNodeId() + " = __image__)");
      }
    }
    if (batch.triples().getShape().dimension() != 2 || batch.triples().getShape().get(1) != 3) {
      throw new IllegalArgumentException("triples must be (T, 3), got " + batch.triples().getShape());
    }
    long[] triples = batch.triples().toLongArray();
    for (int t = 0; t < triples.length / 3; t++) {
      long p = triples[3 * t + 1];
      if (p < 0 || p >= config.numPredicates()) {
        throw new IllegalArgumentException(
            "predicate of triple " + t + " is " + p + ", allowed predicate ids are [0, "
                + (config.numPredicates() - 1) + "]");
      }
    }
    if (objs.length != batch.objToImg().getShape().size()) {
      throw new IllegalArgumentException(
          "objToImg has " + batch.objToImg().getShape().size() + " entries for " + objs.length + " objects");
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() != 4) {
      throw new IllegalArgumentException(
          "GraphEncoder expects [objs, triples, objToImg, tripleToImg], got " + inputs.size() + " arrays");
    }
    NDArray objToImg = inputs.get(2);
    int numGraphs = objToImg.isEmpty() ? 0 : (int) objToImg.max().getLong() + 1;
    GraphBatch batch = new GraphBatch(inputs.get(0), inputs.get(1), objToImg, inputs.get(3), numGraphs);
    return encode(ps, batch, training).toList();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException(
        "GraphEncoder output shapes depend on the number of graphs; run encode");
  }
}
