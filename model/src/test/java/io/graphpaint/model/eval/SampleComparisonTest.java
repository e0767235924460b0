package io.graphpaint.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleComparisonTest {

  /**
   * Run "truth" stored each graph's ground-truth render as both samples, run "blank" an empty
   * canvas: every object and relation is found on one side and none on the other, in every graph.
   */
  @Test
  void storedSamplesOfTwoRunsArePairedGraphByGraph(@TempDir Path dataset, @TempDir Path runs) throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(5, 32, 2, 0, 6, 0), dataset);
    List<ManifestEntry> test = ModelBenchmark.entriesOf(Manifest.read(dataset.resolve(Manifest.FILE_NAME)), "test", 0);
    Path truth = ModelBenchmark.sampleDirectory(runs.resolve("truth"), "full", "test", 2);
    Path blank = ModelBenchmark.sampleDirectory(runs.resolve("blank"), "full", "test", 2);
    Files.createDirectories(truth);
    Files.createDirectories(blank);
    BufferedImage empty = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = empty.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 32, 32);
    g.dispose();
    for (ManifestEntry entry : test) {
      for (int i = 0; i < 2; i++) {
        Files.copy(dataset.resolve(entry.image()), truth.resolve(ModelBenchmark.sampleFile(entry.id(), i)));
        ImageIO.write(empty, "png", blank.resolve(ModelBenchmark.sampleFile(entry.id(), i)).toFile());
      }
    }

    BenchmarkReport report = SampleComparison.run(SampleComparison.Options.parse("--dataset", dataset.toString(),
        "--a", runs.resolve("truth") + ":full", "--b", runs.resolve("blank") + ":full", "--splits", "test"));

    assertThat(report.rows()).extracting(BenchmarkReport.Row::name).containsExactly("truth:full test", "blank:full test");
    assertThat(report.rows().get(0).metrics()).containsEntry("images", 12.0).containsEntry("oor", 1.0)
        .containsEntry("relation_accuracy", 1.0).containsEntry("relation_accuracy_among_found", 1.0);
    assertThat(report.rows().get(1).metrics()).containsEntry("oor", 0.0);
    BenchmarkReport.Row difference = report.comparisons().get(0);
    assertThat(difference.name()).isEqualTo("truth:full - blank:full test");
    assertThat(difference.metrics()).containsEntry("graphs", 6.0).containsEntry("oor_difference", 1.0)
        .containsEntry("relation_accuracy_difference", 1.0).containsEntry("oor_difference_se", 0.0)
        // no relation of the blank side has both objects found: 1 against a ratio of nothing (0), no error
        .containsEntry("relation_accuracy_among_found_difference", 1.0);
    assertThat(difference.metrics().get("relation_accuracy_among_found_difference_se")).isNaN();

    // a graph without its second sample on one side: named, not silently paired with fewer images
    Files.delete(blank.resolve(ModelBenchmark.sampleFile(test.get(3).id(), 1)));
    assertThatThrownBy(() -> SampleComparison.run(SampleComparison.Options.parse("--dataset", dataset.toString(),
        "--a", runs.resolve("truth") + ":full", "--b", runs.resolve("blank") + ":full", "--splits", "test")))
        .hasMessageContaining(test.get(3).id() + "_1.png is missing").hasMessageContaining("blank:full");
    assertThatThrownBy(() -> SampleComparison.run(SampleComparison.Options.parse("--dataset", dataset.toString(),
        "--a", runs.resolve("truth") + ":text", "--b", runs.resolve("blank") + ":full", "--splits", "test")))
        .hasMessageContaining("no samples of model row 'text'");
  }

  /** Without --guidance the one scale both sides stored is used; several, or two different ones, are named. */
  @Test
  void withoutGuidanceTheScaleBothSidesStoredIsCompared(@TempDir Path dataset, @TempDir Path runs) throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(5, 32, 2, 0, 3, 0), dataset);
    List<ManifestEntry> test = ModelBenchmark.entriesOf(Manifest.read(dataset.resolve(Manifest.FILE_NAME)), "test", 0);
    for (String run : List.of("a", "b")) {
      Path dir = ModelBenchmark.sampleDirectory(runs.resolve(run), "full", "test", 1.5);
      Files.createDirectories(dir);
      for (ManifestEntry entry : test) {
        Files.copy(dataset.resolve(entry.image()), dir.resolve(ModelBenchmark.sampleFile(entry.id(), 0)));
      }
    }
    String[] args = {"--dataset", dataset.toString(), "--a", runs.resolve("a") + ":full", "--b",
        runs.resolve("b") + ":full", "--splits", "test", "--samples", "1"};
    BenchmarkReport report = SampleComparison.run(SampleComparison.Options.parse(args));
    assertThat(report.notes()).containsEntry("guidance", "1.5");
    assertThat(report.comparisons().get(0).metrics()).containsEntry("oor_difference", 0.0);

    Files.createDirectories(ModelBenchmark.sampleDirectory(runs.resolve("b"), "full", "test", 4));
    assertThatThrownBy(() -> SampleComparison.run(SampleComparison.Options.parse(args)))
        .hasMessageContaining("b:full stored samples at guidance [1.5, 4.0]").hasMessageContaining("give --guidance");
    Files.delete(ModelBenchmark.sampleDirectory(runs.resolve("b"), "full", "test", 4));
    Path other = ModelBenchmark.sampleDirectory(runs.resolve("b"), "full", "test", 1.5);
    Files.move(other, other.resolveSibling("w2"));
    assertThatThrownBy(() -> SampleComparison.run(SampleComparison.Options.parse(args)))
        .hasMessageContaining("different guidance scales").hasMessageContaining("a:full at 1.5 and b:full at 2.0");
  }

  @Test
  void optionsSayWhatIsMissing() {
    assertThatThrownBy(() -> SampleComparison.Options.parse("--dataset", "d", "--a", "out:full"))
        .hasMessageContaining("--b OUT:MODEL");
    assertThatThrownBy(() -> SampleComparison.Options.parse("--dataset", "d", "--a", "out", "--b", "o:m"))
        .hasMessageContaining("--a takes OUT:MODEL");
    assertThatThrownBy(() -> SampleComparison.Options.parse("--dataset", "d", "--a", "o:m", "--b", "o:n", "--seed", "1"))
        .hasMessageContaining("unknown option or missing value: '--seed'");
    assertThat(SampleComparison.Options.parse("--dataset", "d", "--a", "o:m", "--b", "p:n").guidance()).isNull();
    assertThat(SampleComparison.Options.parse("--dataset", "d", "--a", "o:m", "--b", "p:n", "--guidance", "1.5")
        .guidance()).isEqualTo(1.5);
  }
}
