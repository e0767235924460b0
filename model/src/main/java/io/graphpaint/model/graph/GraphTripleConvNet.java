package io.graphpaint.model.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.StateDictBlock;
import java.util.ArrayList;
import java.util.List;

/** SGDiff's {@code GraphTripleConvNet}: {@code gconvs.0 .. gconvs.{L-1}}, each D -> D. */
final class GraphTripleConvNet extends StateDictBlock {

  private final List<GraphTripleConv> gconvs = new ArrayList<>();

  GraphTripleConvNet(int dim, int hiddenDim, int numLayers) {
    for (int i = 0; i < numLayers; i++) {
      gconvs.add(addNamedChild("gconvs." + i, new GraphTripleConv(dim, hiddenDim, dim)));
    }
  }

  /** (O, D), (T, D) -> (O, D), (T, D). */
  NDList apply(
      ParameterStore ps, NDArray objVecs, NDArray predVecs, GraphIncidence g, boolean training) {
    NDList vecs = new NDList(objVecs, predVecs);
    for (GraphTripleConv conv : gconvs) {
      vecs = conv.apply(ps, vecs.get(0), vecs.get(1), g, training);
    }
    return vecs;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("GraphTripleConvNet runs inside GraphEncoder");
  }
}
