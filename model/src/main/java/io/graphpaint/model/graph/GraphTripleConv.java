package io.graphpaint.model.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.StateDictBlock;

/**
 * One sg2im triple graph convolution (SGDiff's {@code GraphTripleConv}, average pooling):
 *
 * <pre>
 *   [s'; p'; o'] = net1([v_s; v_p; v_o])           (T, 3D) -> (T, H | D | H)
 *   c_i          = (sum of s' and o' candidates of object i) / max(1, degree_i)   (O, H)
 *   v_i'         = net2(c_i)                         (O, H) -> (O, D)
 * </pre>
 *
 * Gathers and the scatter-add are products with constant one-hot matrices (see {@link
 * GraphIncidence}), so gradients flow to every vector.
 */
final class GraphTripleConv extends StateDictBlock {

  private final int hiddenDim;
  private final int outputDim;
  private final GraphMlp net1;
  private final GraphMlp net2;

  GraphTripleConv(int inputDim, int hiddenDim, int outputDim) {
    this.hiddenDim = hiddenDim;
    this.outputDim = outputDim;
    net1 = addNamedChild("net1", new GraphMlp(3 * inputDim, hiddenDim, 2 * hiddenDim + outputDim));
    net2 = addNamedChild("net2", new GraphMlp(hiddenDim, hiddenDim, outputDim));
  }

  /**
   * @param objVecs (O, D)
   * @param predVecs (T, D)
   * @return new object vectors (O, D_out) and predicate vectors (T, D_out)
   */
  NDList apply(
      ParameterStore ps, NDArray objVecs, NDArray predVecs, GraphIncidence g, boolean training) {
    NDArray subjects = g.subjectOneHot().matMul(objVecs); // (T, D)
    NDArray objects = g.objectOneHot().matMul(objVecs); // (T, D)
    NDArray triples = NDArrays.concat(new NDList(subjects, predVecs, objects), 1); // (T, 3D)
    NDArray candidates = net1.apply(ps, triples, training); // (T, 2H + D_out)
    int h = hiddenDim;
    NDArray newSubjects = candidates.get(new NDIndex(":, 0:{}", h)); // (T, H)
    NDArray newPreds = candidates.get(new NDIndex(":, {}:{}", h, h + outputDim)); // (T, D_out)
    NDArray newObjects = candidates.get(new NDIndex(":, {}:", h + outputDim)); // (T, H)
    // scatter-add into objects: S^T s' + O^T o'  (O, H), then divide by the clamped degree (O, 1)
    NDArray pooled =
        g.subjectOneHot()
            .transpose()
            .matMul(newSubjects)
            .add(g.objectOneHot().transpose().matMul(newObjects))
            .div(g.clampedDegree());
    NDArray newObjVecs = net2.apply(ps, pooled, training); // (O, D_out)
    return new NDList(newObjVecs, newPreds);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("GraphTripleConv runs inside GraphEncoder");
  }
}
