package io.graphpaint.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.eval.ConditionReliance;
import io.graphpaint.model.fusion.FusionMode;
import io.graphpaint.model.fusion.PromptKind;
import io.graphpaint.model.nn.StateDict;
import io.graphpaint.model.sampling.SceneGraphPipeline;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionRelianceTest {

  /** A denoiser with no path for its condition predicts the same noise whatever the graph: both gains are 0. */
  @Test
  void aUNetWithoutConditionPathsGainsNothing() {
    TinyWorld world = new TinyWorld(4, 9);
    ModelConfig config = world.config.withUnet(world.config.unet().withPooledCondition(false));
    Engine.getInstance().setRandomSeed(5);
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = world.model(manager, config);
        SceneGraphPipeline pipeline = new SceneGraphPipeline(model)) {
      ConditionReliance.Result open = ConditionReliance.measure(pipeline, world.graphs, world.images, PromptKind.LABELS, 1);
      assertThat(open.gainOverNull()).as("an untrained UNet still mixes its condition in").isNotEqualTo(0.0);
      for (Map.Entry<String, Parameter> entry : StateDict.parameters(model.unet()).entrySet()) {
        if (entry.getKey().contains(".attn2.to_out.")) {
          entry.getValue().getArray().muli(0f);
        }
      }
      ConditionReliance.Result closed = ConditionReliance.measure(pipeline, world.graphs, world.images, PromptKind.LABELS, 1);
      assertThat(closed.gainOverNull()).isEqualTo(0.0);
      assertThat(closed.gainOverShuffled()).isEqualTo(0.0);
      assertThat(closed.gainOverReversed()).isEqualTo(0.0);
      assertThat(closed.images()).isEqualTo(4);
      assertThat(closed.asMap()).containsOnlyKeys("prediction_mse", "condition_gain", "condition_gain_vs_wrong",
          "condition_gain_vs_reversed", "condition_shift_reversed", "graph_shift_reversed", "condition_gain_t900",
          "condition_gain_vs_reversed_t900");
      assertThatThrownBy(() -> ConditionReliance.measure(pipeline, world.graphs.subList(0, 1), world.images.subList(0, 1),
          PromptKind.LABELS, 1)).hasMessageContaining("at least 2 graphs");
    }
  }

  /**
   * Reversing every relationship keeps a graph's objects: a label-text-only condition cannot tell
   * the two apart (gain exactly 0, though it reads its labels), while graph tokens can.
   */
  @Test
  void onlyAConditionThatCarriesRelationsGainsOverTheReversedGraph() {
    TinyWorld world = new TinyWorld(4, 9);
    assertThat(world.graphs).anyMatch(graph -> !graph.relationships().isEmpty());
    SceneGraph graph = world.graphs.stream().filter(g -> !g.relationships().isEmpty()).findFirst().orElseThrow();
    SceneGraph reversed = graph.withRelationshipsReversed();
    assertThat(reversed.objects()).isEqualTo(graph.objects());
    assertThat(reversed.relationships().get(0).subject()).isEqualTo(graph.relationships().get(0).object());
    assertThat(reversed.relationships().get(0).object()).isEqualTo(graph.relationships().get(0).subject());
    assertThat(reversed.relationships().get(0).predicate()).isEqualTo(graph.relationships().get(0).predicate());
    for (FusionMode mode : List.of(FusionMode.TEXT_ONLY, FusionMode.APPEND)) {
      Engine.getInstance().setRandomSeed(5);
      ModelConfig config = world.config.withFusion(world.config.fusion().withMode(mode));
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = world.model(manager, config);
          SceneGraphPipeline pipeline = new SceneGraphPipeline(model)) {
        ConditionReliance.Result result = ConditionReliance.measure(pipeline, world.graphs, world.images, PromptKind.LABELS, 1);
        assertThat(result.gainOverNull()).as(mode + " reads its labels").isNotEqualTo(0.0);
        if (mode == FusionMode.TEXT_ONLY) {
          assertThat(result.gainOverReversed()).as("label text is the same for both graphs").isEqualTo(0.0);
          assertThat(result.relationGainAtHighNoise()).isEqualTo(0.0);
          assertThat(result.reversedShift()).isEqualTo(0.0);
          assertThat(result.graphShift()).isNaN();
          assertThat(result.asMap()).doesNotContainKey("graph_shift_reversed");
        } else {
          assertThat(result.gainOverReversed()).as("graph tokens differ for reversed relations").isNotEqualTo(0.0);
          assertThat(result.reversedShift()).as("reversing moves the condition less than another graph")
              .isGreaterThan(0.0).isLessThan(1.0);
          assertThat(result.graphShift()).as("the graph vector alone moves more than the condition with its label text")
              .isGreaterThan(result.reversedShift()).isLessThan(1.0);
          assertThat(result.asMap()).containsKey("graph_shift_reversed");
        }
      }
    }
  }

  /** Gains are relative per timestep, then averaged: a large low-noise error does not hide the noisy steps. */
  @Test
  void gainsAreMeansOfPerTimestepRatios() {
    ConditionReliance.Result result = new ConditionReliance.Result(
        List.of(0.5, 0.1, 0.01, 0.001, 0.0005), List.of(0.5, 0.1, 0.01, 0.001, 0.001),
        List.of(0.5, 0.1, 0.01, 0.001, 0.0005), List.of(0.5, 0.1, 0.01, 0.002, 0.001), 0.0, Double.NaN, 8);
    assertThat(result.gainOverNull()).isCloseTo((0.5 + 0.5) / 5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(result.gainOverShuffled()).isCloseTo(0.5 / 5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(result.gainOverReversed()).isEqualTo(0.0);
    assertThat(result.gainAtHighNoise()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(result.relationGainAtHighNoise()).isEqualTo(0.0);
    ConditionReliance.Result relational = new ConditionReliance.Result(
        List.of(0.5, 0.1, 0.01, 0.001, 0.0006), List.of(0.5, 0.1, 0.01, 0.001, 0.001),
        List.of(0.5, 0.1, 0.01, 0.001, 0.0008), List.of(0.5, 0.1, 0.01, 0.002, 0.001), 0.0, Double.NaN, 8);
    assertThat(relational.relationGainAtHighNoise()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(relational.gainOverReversed()).isCloseTo(0.25 / 5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(result.ownError()).isCloseTo(0.6115 / 5, org.assertj.core.data.Offset.offset(1e-12));
  }
}
