package io.graphpaint.model.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.clip.ClipContrastiveLoss;
import io.graphpaint.model.clip.ClipModel;
import io.graphpaint.model.nn.FixtureFiles;
import io.graphpaint.model.nn.TrainingSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving, loading, gradients and a tiny fit of the graph encoder. */
class GraphEncoderTrainingTest {

  static final GraphEncoderConfig CONFIG = GraphEncoderParityTest.FIXTURE_CONFIG;

  @TempDir Path temp;

  static GraphBatch fixtureBatch(NDManager manager) {
    Map<String, NDArray> in =
        FixtureFiles.tensors(manager, FixtureFiles.dir("graph-sgdiff").resolve("inputs.safetensors"));
    return new GraphBatch(in.get("objs"), in.get("triples"), in.get("obj_to_img"), in.get("triple_to_img"), 3);
  }

  /** The batch's arrays duplicated under a step's manager, so the step's intermediates land there. */
  static GraphBatch copyInto(NDManager step, GraphBatch batch) {
    NDArray[] arrays = {batch.objs(), batch.triples(), batch.objToImg(), batch.tripleToImg()};
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = arrays[i].duplicate();
      arrays[i].attach(step);
    }
    return new GraphBatch(arrays[0], arrays[1], arrays[2], arrays[3], batch.numGraphs());
  }

  @Test
  void saveThenLoadGivesIdenticalOutputs() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(11);
      GraphEncoder original = new GraphEncoder(CONFIG);
      original.initializeParameters(manager);
      Path file = temp.resolve("graph.safetensors");
      original.save(file);
      GraphEncoder reloaded = GraphEncoder.load(CONFIG, manager, file);
      GraphBatch batch = fixtureBatch(manager);
      ParameterStore ps = new ParameterStore(manager, false);
      GraphEncoding a = original.encode(ps, batch, false);
      GraphEncoding b = reloaded.encode(ps, batch, false);
      assertThat(b.global().toFloatArray()).containsExactly(a.global().toFloatArray());
      assertThat(b.tripleTokens().toFloatArray()).containsExactly(a.tripleTokens().toFloatArray());
      assertThat(b.objectTokens().toFloatArray()).containsExactly(a.objectTokens().toFloatArray());
      assertThat(a.global().abs().sum().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void loadingMismatchedShapesNamesParameterAndShapes() {
    Path weights = FixtureFiles.dir("graph-sgdiff").resolve("weights.safetensors");
    GraphEncoderConfig wider = new GraphEncoderConfig(10, 5, 32, 64, 2, 6, 5);
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> GraphEncoder.load(wider, manager, weights))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("graph_conv.net1.0.weight")
          .hasMessageContaining("(64, 96)")
          .hasMessageContaining("(48, 96)");
    }
  }

  @Test
  void invalidIdsAreRejectedWithTheAllowedRange() {
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphEncoder encoder = new GraphEncoder(CONFIG);
      encoder.initializeParameters(manager);
      GraphBatch bad =
          new GraphBatch(
              manager.create(new long[] {3, 11}), manager.create(new long[] {0, 0, 1}, new Shape(1, 3)),
              manager.create(new long[] {0, 0}), manager.create(new long[] {0}), 1);
      assertThatThrownBy(() -> encoder.encode(new ParameterStore(manager, false), bad, false))
          .hasMessageContaining("objs[1] is 11")
          .hasMessageContaining("[0, 10]");
      GraphBatch badPredicate =
          new GraphBatch(
              manager.create(new long[] {3, 10}), manager.create(new long[] {0, 5, 1}, new Shape(1, 3)),
              manager.create(new long[] {0, 0}), manager.create(new long[] {0}), 1);
      assertThatThrownBy(() -> encoder.encode(new ParameterStore(manager, false), badPredicate, false))
          .hasMessageContaining("predicate of triple 0 is 5")
          .hasMessageContaining("[0, 4]");
    }
  }

  @Test
  void graphsWithoutTriplesPoolToZeroPredicateMeans() {
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphEncoder encoder = new GraphEncoder(CONFIG);
      encoder.initializeParameters(manager);
      // two graphs that hold only their image node: no triples anywhere in the batch
      GraphBatch lonely =
          new GraphBatch(
              manager.create(new long[] {10, 10}), manager.zeros(new Shape(0, 3), ai.djl.ndarray.types.DataType.INT64),
              manager.create(new long[] {0, 1}), manager.zeros(new Shape(0), ai.djl.ndarray.types.DataType.INT64), 2);
      GraphEncoding out = encoder.encode(new ParameterStore(manager, false), lonely, false);
      assertThat(out.global().getShape()).isEqualTo(new Shape(2, 32));
      assertThat(out.tripleTokens().abs().sum().getFloat()).isZero();
      assertThat(out.tripleMask().sum().getFloat()).isZero();
      // both graphs are the same single node, so their global vectors agree
      assertThat(out.global().get(0).toFloatArray()).containsExactly(out.global().get(1).toFloatArray());
    }
  }

  @Test
  void djlForwardTakesTheFourIndexArrays() {
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphEncoder encoder =
          GraphEncoder.load(CONFIG, manager, FixtureFiles.dir("graph-sgdiff").resolve("weights.safetensors"));
      GraphBatch batch = fixtureBatch(manager);
      ParameterStore ps = new ParameterStore(manager, false);
      ai.djl.ndarray.NDList out =
          encoder.forward(ps, new ai.djl.ndarray.NDList(batch.objs(), batch.triples(), batch.objToImg(), batch.tripleToImg()), false);
      assertThat(out.get(0).toFloatArray()).containsExactly(encoder.encode(ps, batch, false).global().toFloatArray());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void gradientReachesEveryParameter() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(3);
      GraphEncoder encoder =
          GraphEncoder.load(CONFIG, manager, FixtureFiles.dir("graph-sgdiff").resolve("weights.safetensors"));
      NDArray imageEmbeds = ClipModel.l2Normalize(manager.randomNormal(new Shape(3, 32)));
      Map<String, Float> grads =
          TrainingSteps.gradientMagnitudes(
              encoder, manager,
              (step, ps) -> {
                GraphEncoding out = encoder.encode(ps, fixtureBatch(step), true);
                NDArray logitScale = ps.getValue(encoder.logitScale(), out.global().getDevice(), true);
                // stage-1 style: contrastive alignment of G_global to image embeddings, plus the tokens
                NDArray align =
                    ClipContrastiveLoss.fromEmbeddings(ClipModel.l2Normalize(out.global()), imageEmbeds, logitScale);
                return align.add(out.tripleTokens().square().mean()).add(out.objectTokens().square().mean());
              });
      assertThat(grads).hasSize(29);
      grads.forEach((name, g) -> assertThat(g).as("gradient of " + name).isGreaterThan(0f).isFinite());
    }
  }

  @Test
  void fitsFixedTargets() {
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(5);
      GraphEncoder encoder = new GraphEncoder(CONFIG);
      encoder.initializeParameters(manager);
      NDArray target = manager.randomNormal(new Shape(3, 32)).mul(0.5f);
      GraphBatch batch = fixtureBatch(manager);
      long start = System.nanoTime();
      List<Float> losses =
          TrainingSteps.adam(
              encoder, manager, 1e-2f, 60,
              (step, ps) -> encoder.encode(ps, copyInto(step, batch), true).global().sub(target).square().mean());
      double seconds = (System.nanoTime() - start) / 1e9;
      float first = losses.get(0);
      float last = losses.get(losses.size() - 1);
      assertThat(last).as("loss %s -> %s in %.1f s", first, last, seconds).isLessThan(first / 10f);
    }
  }
}
