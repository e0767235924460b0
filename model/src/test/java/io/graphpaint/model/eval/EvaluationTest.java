package io.graphpaint.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.graphpaint.model.data.DirectoryBlobStore;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import io.graphpaint.model.data.ShapeInstance;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.model.data.ShapesGenerator;
import io.graphpaint.model.data.ShapesScene;
import io.graphpaint.model.data.ShapesSplit;
import io.graphpaint.model.data.ShapesWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {

  @Test
  void scoresADatasetAgainstItselfAndGeneratedImagesAgainstTheirGraphs(@TempDir Path dir) throws Exception {
    ShapesConfig config = ShapesConfig.defaults(3, 32, 0, 0, 12, 0);
    Path dataset = dir.resolve("dataset");
    ShapesDatasets.make(config, dataset);
    Path manifest = dataset.resolve(Manifest.FILE_NAME);

    Evaluation.Result truth = Evaluation.evaluateDirectory(dataset, manifest, new Evaluation.Options(
        "test", new PixelGridFeatures(4), new DirectoryBlobStore(dataset), 0));
    assertThat(truth.images()).hasSize(12);
    assertThat(truth.metrics().oor()).isEqualTo(1.0);
    assertThat(truth.metrics().relationAccuracy()).isEqualTo(1.0);
    assertThat(truth.fid()).isCloseTo(0, within(1e-9));
    assertThat(truth.diversity()).isNull();

    // "Generated" images: two per graph, <id>_0.png the true render, <id>_1.png with the first
    // object erased; entry 11 gets none.
    Path generated = dir.resolve("generated");
    Files.createDirectories(generated);
    ShapesGenerator generator = new ShapesGenerator(config);
    int objects = 0;
    for (int i = 0; i < 11; i++) {
      ShapesScene scene = generator.scene(ShapesSplit.TEST, i);
      String id = ShapesGenerator.sampleId(ShapesSplit.TEST, i);
      Files.write(generated.resolve(id + "_0.png"), ShapesWorld.png(ShapesWorld.render(scene)));
      List<ShapeInstance> kept = new ArrayList<>(scene.objects());
      int erased = kept.get(0).container() < 0 ? 0 : kept.get(0).container();
      kept.remove(erased);
      // keep nesting indices consistent after the removal
      List<ShapeInstance> fixed = new ArrayList<>();
      for (ShapeInstance o : kept) {
        int c = o.container() < 0 || o.container() == erased ? -1 : (o.container() > erased ? o.container() - 1 : o.container());
        fixed.add(new ShapeInstance(o.kind(), o.colour(), o.x(), o.y(), o.size(), c));
      }
      Files.write(generated.resolve(id + "_1.png"), ShapesWorld.png(ShapesWorld.render(new ShapesScene(32, fixed, List.of()))));
      objects += scene.objects().size();
    }
    Evaluation.Result result = Evaluation.evaluateDirectory(generated, manifest, new Evaluation.Options(
        "test", new PixelGridFeatures(4), new DirectoryBlobStore(dataset), 0));
    assertThat(result.entriesWithoutImages()).isEqualTo(1);
    assertThat(result.images()).hasSize(22);
    // every erased image misses exactly one object (a container takes its nested object's
    // place only when erased together with it, which this test avoids by erasing containers)
    long missing = result.images().stream().mapToLong(e -> e.graphObjects() - e.foundObjects()).sum();
    assertThat(missing).isEqualTo(11);
    assertThat(result.metrics().oor()).isCloseTo(1 - 11.0 / (2 * objects), within(1e-12));
    assertThat(result.metrics().relationAccuracy()).isLessThan(1.0);
    assertThat(result.diversity()).isGreaterThan(0);
    assertThat(result.fid()).isGreaterThan(0);

    // In memory, the same images score the same.
    List<io.graphpaint.model.data.SceneGraph> graphs = new ArrayList<>();
    List<java.awt.image.BufferedImage> images = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      String id = ShapesGenerator.sampleId(ShapesSplit.TEST, i);
      for (int k = 0; k < 2; k++) {
        ids.add(id + "_" + k);
        graphs.add(generator.scene(ShapesSplit.TEST, i).graph());
        images.add(javax.imageio.ImageIO.read(generated.resolve(id + "_" + k + ".png").toFile()));
      }
    }
    assertThat(Evaluation.evaluateImages(ids, graphs, images).metrics()).isEqualTo(result.metrics());

    BenchmarkReport report = Evaluation.report("shapes", "erased", result);
    assertThat(report.toTable()).contains("oor").contains("fid").contains("erased");
    BenchmarkReport back = BenchmarkReport.fromJson(report.toJson());
    assertThat(back.rows()).isEqualTo(report.rows());
    assertThat(back.notes()).isEqualTo(report.notes());
  }

  @Test
  void findsImagesUnderEveryNamingScheme() {
    ManifestEntry entry = new ManifestEntry("test-0000001", "test",
        io.graphpaint.model.data.SceneGraph.of(List.of("red circle"), List.of()), "a red circle",
        "images/test/test-0000001.png", List.of(), 32, 32);
    assertThat(Evaluation.imagesFor(entry, new java.util.TreeSet<>(List.of("images/test/test-0000001.png", "x.png"))))
        .containsExactly("images/test/test-0000001.png");
    assertThat(Evaluation.imagesFor(entry, new java.util.TreeSet<>(List.of("test-0000001.png"))))
        .containsExactly("test-0000001.png");
    assertThat(Evaluation.imagesFor(entry, new java.util.TreeSet<>(List.of(
        "test-0000001/0.png", "test-0000001/1.png", "test-0000001_2.png", "test-00000012.png", "test-0000001/x/y.png"))))
        .containsExactly("test-0000001/0.png", "test-0000001/1.png", "test-0000001_2.png");
  }
}
