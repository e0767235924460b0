package io.graphpaint.model.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConditionFusionTest {

  private static final int B = 3;
  private static final int L = 4;
  private static final int DT = 5;
  private static final int DG = 6;
  private static final int M = 2;

  private NDManager manager;
  private ParameterStore store;

  @BeforeEach
  void open() {
    Engine.getInstance().setRandomSeed(1234);
    manager = NDManager.newBaseManager();
    store = new ParameterStore(manager, false);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private ConditionFusion fusion(FusionMode mode, int graphTokens, double dropout) {
    ConditionFusion fusion = new ConditionFusion(new FusionConfig(mode, DT, DG, graphTokens, dropout));
    fusion.initialize(manager);
    return fusion;
  }

  /** Text token (b, i) holds the value 100 b + i + 1 in every channel, so positions can be read back. */
  private NDArray text() {
    float[] values = new float[B * L * DT];
    for (int b = 0; b < B; b++) {
      for (int i = 0; i < L; i++) {
        for (int d = 0; d < DT; d++) {
          values[(b * L + i) * DT + d] = 100 * b + i + 1;
        }
      }
    }
    return manager.create(values, new Shape(B, L, DT));
  }

  private NDArray textMask() {
    // sample 0 has 4 real tokens, sample 1 has 2, sample 2 has 3
    return manager.create(new float[] {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0}, new Shape(B, L));
  }

  private ConditionInput input() {
    NDArray objects = manager.randomNormal(new Shape(B, M, DG));
    NDArray objectMask = manager.create(new float[] {1, 1, 1, 0, 0, 1}, new Shape(B, M));
    return new ConditionInput(text(), textMask(), manager.randomNormal(new Shape(B, DG)), objects, objectMask);
  }

  /** Expected graph tokens (B, K, Dt) = reshape(G W^T + b), from the block's own parameters. */
  private NDArray expectedGraphTokens(ConditionFusion fusion, NDArray global, int k) {
    NDArray weight = parameter(fusion, "01globalProjection_weight"); // (K Dt, Dg)
    NDArray bias = parameter(fusion, "01globalProjection_bias"); // (K Dt)
    return global.matMul(weight.transpose()).add(bias).reshape(B, k, DT);
  }

  private static NDArray parameter(ConditionFusion fusion, String name) {
    for (Pair<String, Parameter> pair : fusion.getParameters()) {
      if (pair.getKey().equals(name)) {
        return pair.getValue().getArray();
      }
    }
    throw new AssertionError("no parameter " + name + " in " + fusion.getParameters().keys());
  }

  @Test
  void appendPutsGraphTokensAfterTextWithTheirMask() {
    ConditionFusion fusion = fusion(FusionMode.APPEND, 2, 0.1);
    ConditionInput input = input();
    FusedCondition fused = fusion.fuse(store, input, false);
    assertThat(fused.tokens().getShape()).isEqualTo(new Shape(B, L + 2, DT));
    assertThat(fused.mask().toFloatArray())
        .containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1);
    assertThat(fused.tokens().get(":, 0:4, :").toFloatArray()).containsExactly(text().toFloatArray());
    NDArray expected = expectedGraphTokens(fusion, input.graphGlobal(), 2);
    assertThat(fused.tokens().get(":, 4:, :").sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
    assertThat(fusion.getOutputShapes(new Shape[] {new Shape(B, L, DT), new Shape(B, L), new Shape(B, DG)}))
        .containsExactly(new Shape(B, L + 2, DT), new Shape(B, L + 2));
  }

  @Test
  void interleaveOrderSpreadsGraphTokensBetweenTextTokens() {
    assertThat(ConditionFusion.interleaveOrder(4, 4)).containsExactly(0, 4, 1, 5, 2, 6, 3, 7);
    assertThat(ConditionFusion.interleaveOrder(4, 2)).containsExactly(0, 1, 4, 2, 3, 5);
    assertThat(ConditionFusion.interleaveOrder(5, 2)).containsExactly(0, 1, 5, 2, 3, 4, 6);
    assertThat(ConditionFusion.interleaveOrder(3, 1)).containsExactly(0, 1, 2, 3);
    assertThatThrownBy(() -> ConditionFusion.interleaveOrder(2, 3))
        .hasMessageContaining("graphTokens <= text length");
  }

  @Test
  void interleaveFusesInThatOrder() {
    ConditionFusion fusion = fusion(FusionMode.INTERLEAVE, 4, 0.1);
    ConditionInput input = input();
    FusedCondition fused = fusion.fuse(store, input, false);
    assertThat(fused.tokens().getShape()).isEqualTo(new Shape(B, 8, DT));
    NDArray graph = expectedGraphTokens(fusion, input.graphGlobal(), 4);
    for (int position = 0; position < 8; position++) {
      NDArray actual = fused.tokens().get(":, {}, :", position);
      NDArray expected =
          position % 2 == 0
              ? text().get(":, {}, :", position / 2)
              : graph.get(":, {}, :", position / 2);
      assertThat(actual.sub(expected).abs().max().getFloat()).as("position %d", position).isLessThan(1e-5f);
    }
    // sample 1: text t0 t1 real, t2 t3 padding; graph tokens always real
    assertThat(fused.mask().get(1).toFloatArray()).containsExactly(1, 1, 1, 1, 0, 1, 0, 1);
  }

  @Test
  void appendLocalAddsOneTokenPerObjectWithTheObjectMask() {
    ConditionFusion fusion = fusion(FusionMode.APPEND_LOCAL, 1, 0.1);
    ConditionInput input = input();
    FusedCondition fused = fusion.fuse(store, input, false);
    assertThat(fused.tokens().getShape()).isEqualTo(new Shape(B, L + 1 + M, DT));
    assertThat(fused.mask().toFloatArray())
        .containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1);
    NDArray weight = parameter(fusion, "02objectProjection_weight"); // (Dt, Dg)
    NDArray bias = parameter(fusion, "02objectProjection_bias");
    NDArray expected = input.localTokens().matMul(weight.transpose()).add(bias);
    assertThat(fused.tokens().get(":, 5:, :").sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
    assertThatThrownBy(() -> fusion.fuse(store, ConditionInput.of(text(), textMask(), input.graphGlobal()), false))
        .hasMessageContaining("APPEND_LOCAL fusion needs localTokens (B, M, 6), one per object");
  }

  /**
   * APPEND_TRIPLES appends one token per triple, its [v_s; v_p; v_o] (width 3 Dg) through the triple
   * projection, after the text and the global graph tokens, with the triple mask; local vectors of
   * one object's width are refused, saying the width it needs.
   */
  @Test
  void appendTriplesAddsOneTokenPerTripleFromItsThreeVectors() {
    ConditionFusion fusion = fusion(FusionMode.APPEND_TRIPLES, 1, 0.1);
    int triples = 3;
    NDArray tripleTokens = manager.randomNormal(new Shape(B, triples, 3 * DG));
    NDArray tripleMask = manager.create(new float[] {1, 1, 0, 1, 0, 0, 1, 1, 1}, new Shape(B, triples));
    NDArray global = manager.randomNormal(new Shape(B, DG));
    FusedCondition fused = fusion.fuse(store, new ConditionInput(text(), textMask(), global, tripleTokens, tripleMask), false);
    assertThat(fused.tokens().getShape()).isEqualTo(new Shape(B, L + 1 + triples, DT));
    assertThat(fused.mask().toFloatArray())
        .containsExactly(1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1);
    assertThat(fusion.getParameters().keys()).contains("02tripleProjection_weight").doesNotContain("02objectProjection_weight");
    NDArray weight = parameter(fusion, "02tripleProjection_weight"); // (Dt, 3 Dg)
    assertThat(weight.getShape()).isEqualTo(new Shape(DT, 3 * DG));
    NDArray expected = tripleTokens.matMul(weight.transpose()).add(parameter(fusion, "02tripleProjection_bias"));
    assertThat(fused.tokens().get(":, 5:, :").sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
    NDArray graph = expectedGraphTokens(fusion, global, 1);
    assertThat(fused.tokens().get(":, 4:5, :").sub(graph).abs().max().getFloat()).isLessThan(1e-5f);
    assertThat(fusion.getOutputShapes(new Shape[] {new Shape(B, L, DT), new Shape(B, L), new Shape(B, DG),
        new Shape(B, triples, 3 * DG), new Shape(B, triples)}))
        .containsExactly(new Shape(B, L + 1 + triples, DT), new Shape(B, L + 1 + triples));
    assertThatThrownBy(() -> fusion.fuse(store, input(), false))
        .hasMessageContaining("APPEND_TRIPLES fusion needs localTokens of width 18 (one per triple, [v_s; v_p; v_o], Dg = 6)");
    assertThatThrownBy(() -> fusion.fuse(store, ConditionInput.of(text(), textMask(), global), false))
        .hasMessageContaining("APPEND_TRIPLES fusion needs localTokens (B, M, 18)");
  }

  @Test
  void textOnlyPassesTextThroughAndNeedsNoGraph() {
    ConditionFusion fusion = fusion(FusionMode.TEXT_ONLY, 1, 0.1);
    FusedCondition fused = fusion.fuse(store, ConditionInput.of(text(), textMask(), null), false);
    assertThat(fused.tokens().toFloatArray()).containsExactly(text().toFloatArray());
    assertThat(fused.mask().toFloatArray()).containsExactly(textMask().toFloatArray());
  }

  @Test
  void rejectsWrongWidths() {
    ConditionFusion fusion = fusion(FusionMode.APPEND, 2, 0.1);
    assertThatThrownBy(() -> fusion.fuse(store, ConditionInput.of(text(), textMask(), manager.ones(new Shape(B, DG + 1))), false))
        .hasMessageContaining("graphGlobal must have width Dg = 6");
    assertThatThrownBy(() -> ConditionInput.of(text(), manager.ones(new Shape(B, L + 1)), null))
        .hasMessageContaining("textMask must be (B, L)");
    assertThatThrownBy(() -> new FusionConfig(FusionMode.APPEND, DT, DG, 2, 1.0))
        .hasMessageContaining("conditionDropout must be within [0, 1)");
  }

  @Test
  void nullConditionHasOneLearnedTokenAndSameLength() {
    ConditionFusion fusion = fusion(FusionMode.APPEND, 2, 0.1);
    FusedCondition empty = fusion.nullCondition(store, manager, B, 6);
    assertThat(empty.tokens().getShape()).isEqualTo(new Shape(B, 6, DT));
    assertThat(empty.mask().get(0).toFloatArray()).containsExactly(1, 0, 0, 0, 0, 0);
    assertThat(empty.tokens().get(":, 0, :").sub(parameter(fusion, "nullToken")).abs().max().getFloat()).isEqualTo(0f);
    assertThat(empty.tokens().get(":, 1:, :").abs().sum().getFloat()).isEqualTo(0f);
  }

  @Test
  void trainingDropsAboutOneConditionInTenAndRepeatsWithTheSeed() {
    int batch = 4000;
    ConditionFusion fusion = fusion(FusionMode.APPEND, 1, 0.1);
    NDArray tokens = manager.ones(new Shape(batch, 2, DT));
    NDArray mask = manager.ones(new Shape(batch, 2));
    NDArray global = manager.ones(new Shape(batch, DG));
    Engine.getInstance().setRandomSeed(99);
    float[] first = fusion.fuse(store, ConditionInput.of(tokens, mask, global), true).mask().toFloatArray();
    Engine.getInstance().setRandomSeed(99);
    float[] second = fusion.fuse(store, ConditionInput.of(tokens, mask, global), true).mask().toFloatArray();
    assertThat(second).containsExactly(first);
    int dropped = 0;
    for (int b = 0; b < batch; b++) {
      // a kept sample has mask 1 1 1, a dropped one the null mask 1 0 0
      boolean isDropped = first[b * 3 + 1] == 0f;
      if (isDropped) {
        assertThat(first[b * 3 + 2]).isEqualTo(0f);
        dropped++;
      }
    }
    // binomial(4000, 0.1): sd ~ 19; 5 sd either side
    assertThat(dropped).isBetween(400 - 95, 400 + 95);
    FusedCondition eval = fusion.fuse(store, ConditionInput.of(tokens, mask, global), false);
    assertThat(eval.mask().sum().getFloat()).isEqualTo(batch * 3f);
  }

  @Test
  void gradientReachesTheProjectionAndTheNullToken() {
    ConditionFusion fusion = fusion(FusionMode.APPEND_LOCAL, 2, 0.1);
    ConditionInput input = input();
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      FusedCondition fused = fusion.fuseWithoutDropout(store, input);
      NDArray drop = manager.create(new float[] {1, 0, 0});
      FusedCondition mixed = fusion.replaceWithNull(store, fused, drop);
      collector.backward(mixed.tokens().square().sum());
    }
    for (Pair<String, Parameter> pair : fusion.getParameters()) {
      NDArray gradient = pair.getValue().getArray().getGradient();
      assertThat(gradient.abs().sum().getFloat()).as(pair.getKey()).isGreaterThan(0f);
    }
    assertThat(fusion.getParameters().keys())
        .contains("01globalProjection_weight", "02objectProjection_weight", "nullToken");
    assertThat(parameter(fusion, "nullToken").getGradient().abs().sum().getFloat()).isGreaterThan(0f);
    assertThat(input.graphGlobal().getShape()).isEqualTo(new Shape(B, DG));
  }

  /**
   * Label dropout masks out whole samples' text (tokens 0, mask 0) at the given rate and leaves the
   * others as they were; fused, a masked sample keeps its graph tokens. A rate of 0 draws nothing, a
   * mode without graph tokens is refused.
   */
  @Test
  void labelDropoutMasksOutWholeSamplesTextAtItsRate() {
    ConditionFusion fusion = fusion(FusionMode.APPEND, 2, 0);
    int batch = 400;
    NDArray tokens = manager.randomNormal(new Shape(batch, L, DT));
    NDArray mask = manager.ones(new Shape(batch, L));
    FusedCondition text = new FusedCondition(tokens, mask);
    assertThat(fusion.dropText(text, 0)).isSameAs(text);

    FusedCondition dropped = fusion.dropText(text, 0.3);
    float[] keptMask = dropped.mask().sum(new int[] {1}).toFloatArray();
    int masked = 0;
    for (int b = 0; b < batch; b++) {
      NDArray row = dropped.tokens().get(b);
      if (keptMask[b] == 0) {
        masked++;
        assertThat(row.abs().sum().getFloat()).as("tokens of masked sample %d", b).isZero();
      } else {
        assertThat(keptMask[b]).isEqualTo(L);
        assertThat(row.toFloatArray()).containsExactly(tokens.get(b).toFloatArray());
      }
    }
    // 120 expected; 4 standard deviations is about 37
    assertThat(masked).isBetween(83, 157);

    NDArray global = manager.randomNormal(new Shape(batch, DG));
    FusedCondition fused = fusion.fuseWithoutDropout(store, ConditionInput.of(dropped.tokens(), dropped.mask(), global));
    float[] fusedMask = fused.mask().sum(new int[] {1}).toFloatArray();
    for (int b = 0; b < batch; b++) {
      assertThat(fusedMask[b]).isEqualTo(keptMask[b] + 2);
    }

    ConditionFusion textOnly = fusion(FusionMode.TEXT_ONLY, 1, 0);
    assertThatThrownBy(() -> textOnly.dropText(text, 0.5)).hasMessageContaining("TEXT_ONLY fusion has none");
    assertThatThrownBy(() -> fusion.dropText(text, 1)).hasMessageContaining("label dropout must be within [0, 1)");
  }
}
