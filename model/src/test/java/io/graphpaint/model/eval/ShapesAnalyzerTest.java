package io.graphpaint.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.ShapeColour;
import io.graphpaint.model.data.ShapeInstance;
import io.graphpaint.model.data.ShapeKind;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesGenerator;
import io.graphpaint.model.data.ShapesScene;
import io.graphpaint.model.data.ShapesSplit;
import io.graphpaint.model.data.ShapesWorld;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShapesAnalyzerTest {

  private final ShapesAnalyzer analyzer = new ShapesAnalyzer();

  @Test
  void groundTruthRendersOfTheHeldOutTestSplitAreFoundAndRelationsHold() {
    for (int size : new int[] {32, 64}) {
      ShapesConfig config = ShapesConfig.defaults(2026, size, 0, 0, 2000, 0);
      AnalyzerBenchmark.Result result = AnalyzerBenchmark.run(config, ShapesSplit.TEST, size == 32 ? 2000 : 300);
      assertThat(result.metrics().oor()).as("OOR at %d px", size).isGreaterThanOrEqualTo(0.99);
      assertThat(result.metrics().relationAccuracy()).as("relation accuracy at %d px", size).isGreaterThanOrEqualTo(0.99);
      assertThat(result.metrics().spuriousRate()).isLessThanOrEqualTo(0.01);
      assertThat(result.metrics().exactCountAccuracy()).isGreaterThanOrEqualTo(0.98);
    }
  }

  @Test
  void unseenCombinationsAreFoundToo() {
    ShapesConfig config = ShapesConfig.defaults(5, 32, 0, 0, 0, 200);
    AnalyzerBenchmark.Result result = AnalyzerBenchmark.run(config, ShapesSplit.TEST_UNSEEN, 200);
    assertThat(result.metrics().oor()).isGreaterThanOrEqualTo(0.99);
    assertThat(result.metrics().relationAccuracy()).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void survivesBlurNoiseAndAColourCast() {
    ShapesConfig config = ShapesConfig.defaults(77, 32, 0, 0, 200, 0);
    AnalyzerBenchmark.Result blurred = AnalyzerBenchmark.run(config, ShapesSplit.TEST, 200,
        new AnalyzerBenchmark.Degradation(0.7, 8, 0, 1));
    assertThat(blurred.metrics().oor()).isGreaterThanOrEqualTo(0.98);
    assertThat(blurred.metrics().relationAccuracy()).isGreaterThanOrEqualTo(0.97);
    assertThat(blurred.metrics().spuriousRate()).isLessThanOrEqualTo(0.02);
    AnalyzerBenchmark.Result all = AnalyzerBenchmark.run(config, ShapesSplit.TEST, 200,
        new AnalyzerBenchmark.Degradation(0.8, 8, 20, 2));
    assertThat(all.metrics().oor()).isGreaterThanOrEqualTo(0.97);
    assertThat(all.metrics().relationAccuracy()).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void worksAtOtherResolutionsThanTheCanvas() {
    for (int[] sizes : new int[][] {{32, 64}, {64, 32}, {32, 48}}) {
      ShapesGenerator generator = new ShapesGenerator(ShapesConfig.defaults(9, sizes[0], 0, 0, 100, 0));
      List<String> ids = new ArrayList<>();
      List<io.graphpaint.model.data.SceneGraph> graphs = new ArrayList<>();
      List<java.awt.image.BufferedImage> images = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        ShapesScene scene = generator.scene(ShapesSplit.TEST, i);
        ids.add(Integer.toString(i));
        graphs.add(scene.graph());
        images.add(io.graphpaint.model.data.ImageTensors.resizeCenterCrop(ShapesWorld.render(scene), sizes[1]));
      }
      ShapesMetrics metrics = Evaluation.evaluateImages(ids, graphs, images).metrics();
      assertThat(metrics.oor()).as("%d px rendered, analyzed at %d px", sizes[0], sizes[1]).isGreaterThanOrEqualTo(0.99);
      assertThat(metrics.relationAccuracy()).isGreaterThanOrEqualTo(0.99);
    }
  }

  @Test
  void findsASmallObjectInsideABiggerOne() {
    ShapesScene scene = new ShapesScene(32, List.of(
        new ShapeInstance(ShapeKind.CIRCLE, ShapeColour.BLUE, 4, 4, 16, -1),
        new ShapeInstance(ShapeKind.SQUARE, ShapeColour.YELLOW, 9, 9, 7, 0),
        new ShapeInstance(ShapeKind.TRIANGLE, ShapeColour.BLUE, 9, 23, 8, -1)),
        List.of(new Relationship(1, "inside", 0), new Relationship(0, "surrounding", 1),
            new Relationship(2, "below", 1)));
    ImageEvaluation e = SceneMatcher.evaluate("inside", scene.graph(), analyzer.analyze(ShapesWorld.render(scene)), 32, 32);
    assertThat(e.found()).extracting(Detection::label)
        .containsExactlyInAnyOrder("blue circle", "yellow square", "blue triangle");
    assertThat(e.foundObjects()).isEqualTo(3);
    assertThat(e.relationsHeld()).isEqualTo(3);
    assertThat(e.broken()).isEmpty();
  }

  private static ShapesScene handMade() {
    return new ShapesScene(32, List.of(
        new ShapeInstance(ShapeKind.CIRCLE, ShapeColour.RED, 2, 3, 9, -1),
        new ShapeInstance(ShapeKind.SQUARE, ShapeColour.GREEN, 20, 2, 9, -1),
        new ShapeInstance(ShapeKind.CROSS, ShapeColour.BLACK, 3, 20, 9, -1),
        new ShapeInstance(ShapeKind.TRIANGLE, ShapeColour.MAGENTA, 21, 21, 9, -1)),
        List.of(new Relationship(0, "left of", 1), new Relationship(2, "below", 0),
            new Relationship(3, "right of", 2), new Relationship(1, "above", 3)));
  }

  @Test
  void reportsAnErasedObjectAndItsRelations() {
    ShapesScene truth = handMade();
    assertThat(SceneMatcher.evaluate("ok", truth.graph(), analyzer.analyze(ShapesWorld.render(truth)), 32, 32)
        .relationsHeld()).isEqualTo(4);
    List<ShapeInstance> without = new ArrayList<>(truth.objects());
    without.remove(2);
    ShapesScene erased = new ShapesScene(32, without, List.of());
    ImageEvaluation e = SceneMatcher.evaluate("erased", truth.graph(), analyzer.analyze(ShapesWorld.render(erased)), 32, 32);
    assertThat(e.foundObjects()).isEqualTo(3);
    assertThat(e.missing()).containsExactly("2 black cross");
    assertThat(e.relationsHeld()).isEqualTo(2);
    assertThat(e.broken()).extracting(b -> b.relationship())
        .containsExactly(new Relationship(2, "below", 0), new Relationship(3, "right of", 2));
    assertThat(e.broken()).extracting(ImageEvaluation.BrokenRelation::reason)
        .containsExactly("subject not found", "object not found");
    assertThat(e.countsExact()).isFalse();
  }

  @Test
  void reportsTheRelationsBrokenBySwappingTwoObjects() {
    ShapesScene truth = handMade();
    List<ShapeInstance> swapped = new ArrayList<>(truth.objects());
    ShapeInstance red = swapped.get(0);
    ShapeInstance magenta = swapped.get(3);
    swapped.set(0, new ShapeInstance(red.kind(), red.colour(), magenta.x(), magenta.y(), red.size(), -1));
    swapped.set(3, new ShapeInstance(magenta.kind(), magenta.colour(), red.x(), red.y(), magenta.size(), -1));
    ShapesScene scene = new ShapesScene(32, swapped, List.of());
    ImageEvaluation e = SceneMatcher.evaluate("swapped", truth.graph(), analyzer.analyze(ShapesWorld.render(scene)), 32, 32);
    assertThat(e.foundObjects()).isEqualTo(4);
    assertThat(e.missing()).isEmpty();
    assertThat(e.countsExact()).isTrue();
    assertThat(e.spurious()).isZero();
    // The red circle moved from the top left to the bottom right and the triangle the other way:
    // every relationship touching them now points another way.
    assertThat(e.broken()).extracting(b -> b.relationship().predicate() + " -> " + b.observedPredicate())
        .containsExactly("left of -> below", "below -> left of", "right of -> above", "above -> right of");
    assertThat(e.relationsHeld()).isZero();
    ShapesMetrics both = ShapesMetrics.of(List.of(e,
        SceneMatcher.evaluate("ok", truth.graph(), analyzer.analyze(ShapesWorld.render(truth)), 32, 32)));
    assertThat(both.relationAccuracy()).isEqualTo(0.5);
    assertThat(both.relationAccuracyByPredicate()).containsExactly(
        java.util.Map.entry("above", 0.5), java.util.Map.entry("below", 0.5),
        java.util.Map.entry("left of", 0.5), java.util.Map.entry("right of", 0.5));
    assertThat(both.oor()).isEqualTo(1.0);
  }

  @Test
  void matchingPicksTheAssignmentUnderWhichRelationsHoldAmongLookAlikes() {
    ShapesScene scene = new ShapesScene(32, List.of(
        new ShapeInstance(ShapeKind.SQUARE, ShapeColour.RED, 2, 12, 8, -1),
        new ShapeInstance(ShapeKind.SQUARE, ShapeColour.RED, 22, 12, 8, -1),
        new ShapeInstance(ShapeKind.CIRCLE, ShapeColour.BLUE, 12, 12, 8, -1)),
        List.of());
    // graph: square A left of circle, square B right of circle; detections of the two red
    // squares come in either order, the matching must choose the one that satisfies both.
    io.graphpaint.model.data.SceneGraph graph = io.graphpaint.model.data.SceneGraph.of(
        List.of("red square", "blue circle", "red square"),
        List.of(new Relationship(2, "left of", 1), new Relationship(0, "right of", 1)));
    ImageEvaluation e = SceneMatcher.evaluate("twins", graph, analyzer.analyze(ShapesWorld.render(scene)), 32, 32);
    assertThat(e.relationsHeld()).isEqualTo(2);
    assertThat(e.spurious()).isZero();
  }

  @Test
  void anEmptyCanvasHasNoDetections() {
    BufferedImage blank = ShapesWorld.render(new ShapesScene(32, List.of(), List.of()));
    assertThat(analyzer.analyze(blank)).isEmpty();
  }
}
