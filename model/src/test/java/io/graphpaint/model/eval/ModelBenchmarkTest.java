package io.graphpaint.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.checkpoint.SamplingDefaults;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.fusion.FusionMode;
import io.graphpaint.model.fusion.PromptKind;
import io.graphpaint.model.train.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBenchmarkTest {

  private static ImageEvaluation evaluation(String id, int objects, int found, int relations, int held) {
    return evaluation(id, objects, found, relations, held, held);
  }

  private static ImageEvaluation evaluation(String id, int objects, int found, int relations, int held, int bothFound) {
    return new ImageEvaluation(id, objects, found, relations, held, bothFound, true, found, 0,
        List.of(), List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void aGraphCountsAsSatisfiedOnlyWhenEverySampleSatisfiesIt() {
    List<ImageEvaluation> evaluations = List.of(
        evaluation("g1_0.png", 3, 3, 2, 2), evaluation("g1_1.png", 3, 3, 2, 2), // both right
        evaluation("g2_0.png", 3, 3, 2, 2), evaluation("g2_1.png", 3, 2, 2, 2), // one misses an object
        evaluation("g3_0.png", 2, 2, 1, 0), evaluation("g3_1.png", 2, 2, 1, 1)); // one breaks a relation
    List<String> graphs = List.of("g1", "g2", "g3", "g4"); // g4 has no images: not satisfied
    assertThat(ModelBenchmark.allSamplesSatisfied(evaluations, graphs, 2)).isEqualTo(0.25);
    assertThat(ModelBenchmark.allSamplesSatisfied(List.of(evaluation("g1", 2, 2, 1, 1)), List.of("g1"), 1))
        .isEqualTo(1.0);
  }

  @Test
  void tallyingGroupsTheSamplesOfEachGraphInTheSplitsOrder() {
    List<ImageEvaluation> evaluations = List.of(
        evaluation("g2_0.png", 3, 1, 2, 0, 0), evaluation("g1_0.png", 2, 2, 1, 1, 1),
        evaluation("g1_1.png", 2, 1, 1, 0, 0), evaluation("g2_1.png", 3, 3, 2, 1, 2));
    ModelBenchmark.Tallies tallies = ModelBenchmark.tallies(evaluations, List.of("g1", "g2", "g3"), 2);
    assertThat(tallies.objects()).containsExactly(new ClusteredRatio.Tally(3, 4), new ClusteredRatio.Tally(4, 6),
        new ClusteredRatio.Tally(0, 0)); // g3: no images
    assertThat(tallies.relations()).containsExactly(new ClusteredRatio.Tally(1, 2), new ClusteredRatio.Tally(1, 4),
        new ClusteredRatio.Tally(0, 0));
    // held of those whose two objects were found: g1 1 of 1, g2 1 of 2
    assertThat(tallies.relationsAmongFound()).containsExactly(new ClusteredRatio.Tally(1, 1),
        new ClusteredRatio.Tally(1, 2), new ClusteredRatio.Tally(0, 0));
  }

  @Test
  void comparisonsPairTheSameSplitAndScaleAndDefaultToTheFirstModelAgainstEachOther() {
    ModelBenchmark.Options options = ModelBenchmark.Options.parse(
        "--dataset", "d", "--model", "full=m1", "--model", "text=m2", "--model", "caption=m3", "--splits", "test",
        "--guidance", "2");
    assertThat(options.comparedPairs()).containsExactly(List.of("full", "text"), List.of("full", "caption"));
    assertThat(ModelBenchmark.Options.parse("--dataset", "d", "--model", "full=m1", "--model", "text=m2",
        "--compare", "text:full").comparedPairs()).containsExactly(List.of("text", "full"));
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--compare", "a:b"))
        .hasMessageContaining("--compare names 'b', which is not a --model row (rows: a)");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--compare", "a:a"))
        .hasMessageContaining("two different model rows");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--compare", "a"))
        .hasMessageContaining("--compare takes pairs A:B of model rows, comma-separated, got 'a'");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--model", "b=n",
        "--compare", "a:b", "--only", "clip")).hasMessageContaining("--only clip samples nothing");

    List<ClusteredRatio.Tally> hits = List.of(new ClusteredRatio.Tally(2, 2), new ClusteredRatio.Tally(1, 2));
    List<ClusteredRatio.Tally> misses = List.of(new ClusteredRatio.Tally(1, 2), new ClusteredRatio.Tally(0, 2));
    java.util.Map<String, ModelBenchmark.Tallies> tallies = new java.util.LinkedHashMap<>();
    tallies.put("full\u0000test\u00002", new ModelBenchmark.Tallies(hits, hits, hits));
    tallies.put("text\u0000test\u00002", new ModelBenchmark.Tallies(misses, hits, misses));
    // caption was not sampled (say it failed to load): its comparison is left out
    BenchmarkReport report = new BenchmarkReport("t");
    ModelBenchmark.compare(options, tallies, report);

    assertThat(report.comparisons()).hasSize(1);
    BenchmarkReport.Row row = report.comparisons().get(0);
    assertThat(row.name()).isEqualTo("full - text test w=2");
    assertThat(row.settings()).containsEntry("a", "full").containsEntry("b", "text").containsEntry("split", "test")
        .containsEntry("guidance", "2");
    assertThat(row.metrics()).containsEntry("graphs", 2.0).containsEntry("oor_difference", 0.5)
        .containsEntry("relation_accuracy_difference", 0.0).containsEntry("relation_accuracy_difference_se", 0.0)
        .containsEntry("relation_accuracy_among_found_difference", 0.5);
    // every graph gains one object of its two: no spread between graphs, no error
    assertThat(row.metrics().get("oor_difference_se")).isZero();
    BenchmarkReport back = BenchmarkReport.fromJson(report.toJson());
    assertThat(back.comparisons()).isEqualTo(report.comparisons());
    assertThat(report.toTable()).contains("comparison").contains("full - text test w=2");
  }

  @Test
  void optionsNameTheFlagAndItsRange() {
    ModelBenchmark.Options options = ModelBenchmark.Options.parse(
        "--dataset", "d", "--model", "full=m1", "--model", "text=m2", "--guidance", "1,1.5", "--limit", "10");
    assertThat(options.models()).containsOnlyKeys("full", "text");
    assertThat(options.models().get("text")).isEqualTo(Path.of("m2"));
    assertThat(options.guidance()).containsExactly(1.0, 1.5);
    assertThat(options.splits()).containsExactly("test", "test_unseen");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "m", "--out", "o"))
        .hasMessageContaining("--model takes NAME=DIR");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--samples", "9"))
        .hasMessageContaining("--samples must be within [1, 8]");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--steps", "0"))
        .hasMessageContaining("--steps must be within [1, 1000]");
  }

  @Test
  void captionRowsAreNamedModelsAndTheGridHasARange() {
    ModelBenchmark.Options options = ModelBenchmark.Options.parse(
        "--dataset", "d", "--model", "full=m1", "--model", "caption=m2", "--model", "labels=m3", "--caption", "caption");
    assertThat(options.promptOf("full")).isEqualTo(PromptKind.LABELS);
    assertThat(options.promptOf("caption")).isEqualTo(PromptKind.CAPTION);
    assertThat(options.promptOf("labels")).isEqualTo(PromptKind.LABELS);
    assertThat(options.grid()).isEqualTo(8);
    assertThat(ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--model", "b=n", "--caption", "a, b",
        "--grid", "0").captionModels()).containsExactly("a", "b");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--caption", "b"))
        .hasMessageContaining("--caption names 'b', which is not a --model row (rows: a)");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--grid", "65"))
        .hasMessageContaining("--grid must be within [0, 64]");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--model", "a=n"))
        .hasMessageContaining("--model a is given twice");
    assertThat(ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m").clipOnly()).isFalse();
    assertThat(ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--only", "clip").clipOnly()).isTrue();
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--only", "fid"))
        .hasMessageContaining("--only takes all (sample and measure everything), clip").hasMessageContaining("reliance")
        .hasMessageContaining("got 'fid'");
    assertThat(ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--only", "reliance").only())
        .isEqualTo(ModelBenchmark.Only.RELIANCE);
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--model", "b=n",
        "--compare", "a:b", "--only", "reliance")).hasMessageContaining("--only reliance samples nothing");
  }

  @Test
  void captionRowsNeedTheDatasetsCaptionsToBeTheGraphCaptions() {
    SceneGraph graph = SceneGraph.of(List.of("red circle", "blue square"), List.of(new Relationship(0, "left of", 1)));
    ManifestEntry matching = new ManifestEntry("s1", "test", graph, "a red circle left of a blue square", "s1.png",
        List.of(), 32, 32);
    ManifestEntry other = new ManifestEntry("s2", "test", graph, "two shapes", "s2.png", List.of(), 32, 32);
    ModelBenchmark.requireGraphCaptions(List.of(matching), "test");
    assertThatThrownBy(() -> ModelBenchmark.requireGraphCaptions(List.of(matching, other), "test"))
        .hasMessageContaining("sample s2 of split 'test' has the caption 'two shapes', not its graph's caption"
            + " 'a red circle left of a blue square'");
  }

  /** --only clip: a row per model and split with the CLIP's three measures, the same numbers as a full run's, no images. */
  @Test
  void clipOnlyMeasuresTheClipWithoutSampling(@TempDir Path dataset, @TempDir Path model, @TempDir Path out,
      @TempDir Path full) throws Exception {
    tinyModel(dataset, model, 5);
    BenchmarkReport report = ModelBenchmark.run(ModelBenchmark.Options.parse("--dataset", dataset.toString(),
        "--model", "a=" + model, "--model", "b=" + model, "--splits", "test,train", "--limit", "4", "--only", "clip",
        "--out", out.toString()));

    BenchmarkReport written = BenchmarkReport.fromJson(Files.readAllBytes(out.resolve("report.json")));
    assertThat(written.rows()).extracting(BenchmarkReport.Row::name).containsExactly("a test", "a train", "b test", "b train");
    for (BenchmarkReport.Row row : written.rows()) {
      assertThat(row.metrics()).as(row.name()).containsOnlyKeys("clip_reversed_caption_preference",
          "clip_text_shift_reversed", "clip_image_shift_mirrored");
    }
    assertThat(written.rows().get(2).metrics()).isEqualTo(written.rows().get(0).metrics());
    assertThat(written.rows().get(1).metrics()).isNotEqualTo(written.rows().get(0).metrics());
    assertThat(report.notes()).containsKey("measured").doesNotContainKey("samples per graph");
    try (var files = Files.walk(out)) {
      assertThat(files.filter(f -> f.toString().endsWith(".png"))).isEmpty();
    }
    // a full run's rows carry the same CLIP numbers
    BenchmarkReport sampled = ModelBenchmark.run(ModelBenchmark.Options.parse("--dataset", dataset.toString(),
        "--model", "a=" + model, "--splits", "test", "--limit", "4", "--samples", "1", "--steps", "1", "--guidance", "1",
        "--grid", "0", "--out", full.toString()));
    assertThat(sampled.rows().get(0).metrics()).containsAllEntriesOf(written.rows().get(0).metrics());
    assertThatThrownBy(() -> ModelBenchmark.run(ModelBenchmark.Options.parse("--dataset", dataset.toString(),
        "--model", "a=" + model, "--splits", "test", "--limit", "1", "--only", "clip", "--out", out.toString())))
        .hasMessageContaining("split 'test' has 1 entries").hasMessageContaining("need at least 2");
  }

  /**
   * --only reliance: each row has the denoiser's condition reliance and the CLIP's measures, the
   * same numbers as a full run's rows, and no image is sampled; a caption row is measured with its
   * caption prompt.
   */
  @Test
  void relianceOnlyMeasuresTheDenoiserWithoutSampling(@TempDir Path dataset, @TempDir Path model, @TempDir Path out,
      @TempDir Path full) throws Exception {
    tinyModel(dataset, model, 5);
    BenchmarkReport report = ModelBenchmark.run(ModelBenchmark.Options.parse("--dataset", dataset.toString(),
        "--model", "labels=" + model, "--model", "caption=" + model, "--caption", "caption", "--splits", "test",
        "--limit", "4", "--only", "reliance", "--out", out.toString()));
    assertThat(report.rows()).extracting(BenchmarkReport.Row::name).containsExactly("labels test", "caption test");
    for (BenchmarkReport.Row row : report.rows()) {
      assertThat(row.metrics()).as(row.name()).containsKeys("prediction_mse", "condition_gain",
          "condition_gain_vs_reversed", "condition_gain_t900", "condition_gain_vs_reversed_t900",
          "clip_reversed_caption_preference").doesNotContainKeys("oor", "images");
    }
    // another prompt reads another condition
    assertThat(report.rows().get(1).metrics().get("condition_gain"))
        .isNotEqualTo(report.rows().get(0).metrics().get("condition_gain"));
    assertThat(report.notes()).containsKey("measured").containsEntry("prompts", "labels=labels, caption=caption");
    try (var files = Files.walk(out)) {
      assertThat(files.filter(f -> f.toString().endsWith(".png"))).isEmpty();
    }
    BenchmarkReport sampled = ModelBenchmark.run(ModelBenchmark.Options.parse("--dataset", dataset.toString(),
        "--model", "labels=" + model, "--splits", "test", "--limit", "4", "--samples", "1", "--steps", "1",
        "--guidance", "1", "--grid", "0", "--out", full.toString()));
    assertThat(sampled.rows().get(0).metrics()).containsAllEntriesOf(report.rows().get(0).metrics());
  }

  /** Without --steps or --guidance a run samples with the first model's own settings, from its model.json. */
  @Test
  void stepsAndGuidanceDefaultToTheFirstModelsOwn(@TempDir Path dataset, @TempDir Path model, @TempDir Path out)
      throws Exception {
    tinyModel(dataset, model, 5, new SamplingDefaults(3, 2.5, 0f));
    ModelBenchmark.Options bare = ModelBenchmark.Options.parse("--dataset", dataset.toString(), "--model", "a=" + model,
        "--splits", "test", "--limit", "2", "--samples", "1", "--grid", "0", "--out", out.toString());
    assertThat(bare.steps()).isNull();
    assertThat(bare.guidance()).isEmpty();
    assertThat(bare.resolved().steps()).isEqualTo(3);
    assertThat(bare.resolved().guidance()).containsExactly(2.5);
    // what is given stays as given
    ModelBenchmark.Options some = ModelBenchmark.Options.parse("--dataset", dataset.toString(), "--model", "a=" + model,
        "--steps", "7").resolved();
    assertThat(some.steps()).isEqualTo(7);
    assertThat(some.guidance()).containsExactly(2.5);
    assertThat(ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=" + model, "--guidance", "1,4")
        .resolved().steps()).isEqualTo(3);

    BenchmarkReport report = ModelBenchmark.run(bare);
    assertThat(report.rows()).extracting(BenchmarkReport.Row::name).containsExactly("a test w=2.5");
    assertThat(report.notes()).containsEntry("ddim steps", "3").containsKey("sampling defaults");

    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=" + dataset.resolve("none"))
        .resolved())
        .hasMessageContaining("--steps and --guidance default to the first model's own")
        .hasMessageContaining("no model.json");
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--guidance", ","))
        .hasMessageContaining("--guidance must list scales");
  }

  /** A tiny untrained TEXT_ONLY model saved to {@code model}, on a shapes dataset made in {@code dataset}. */
  private static List<ManifestEntry> tinyModel(Path dataset, Path model, int seed) throws Exception {
    return tinyModel(dataset, model, seed, null);
  }

  /** The same, with {@code sampling} as its model.json's sampling settings (null: the tiny default). */
  private static List<ManifestEntry> tinyModel(Path dataset, Path model, int seed, SamplingDefaults sampling)
      throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(8, 32, 4, 0, 2, 0), dataset);
    Vocabulary vocabulary = Vocabulary.load(dataset.resolve(ShapesDatasets.VOCAB_FILE));
    List<ManifestEntry> manifest = Manifest.read(dataset.resolve(Manifest.FILE_NAME));
    List<String> texts = new ArrayList<>();
    manifest.forEach(e -> {
      texts.add(e.caption());
      texts.add(PromptKind.LABELS.text(e.graph()));
    });
    WordTokenizer words = WordTokenizer.of(texts, 24);
    ModelConfig config = ModelConfig.tiny(vocabulary, words.ids(), 32);
    config = config.withFusion(config.fusion().withMode(FusionMode.TEXT_ONLY));
    if (sampling != null) {
      config = config.withSampling(sampling);
    }
    Engine.getInstance().setRandomSeed(seed);
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel tiny = GraphPaintModel.create(config, vocabulary, words.json(), manager)) {
      ModelDirectory.save(tiny, model, null, Map.of());
    }
    return manifest;
  }

  /**
   * --relation-guidance reaches the sampler of every row: a caption row (whose prompt names the
   * relations) samples other images than without it, a label-text row the same ones.
   */
  @Test
  void relationGuidanceIsAppliedToEveryRowAndRecorded(@TempDir Path dataset, @TempDir Path model, @TempDir Path plain,
      @TempDir Path guided) throws Exception {
    tinyModel(dataset, model, 3);
    String[] common = {"--dataset", dataset.toString(), "--model", "labels=" + model, "--model", "caption=" + model,
        "--caption", "caption", "--splits", "test", "--limit", "2", "--samples", "1", "--steps", "2", "--guidance", "2",
        "--grid", "0"};
    ModelBenchmark.run(ModelBenchmark.Options.parse(concat(common, "--out", plain.toString())));
    BenchmarkReport report = ModelBenchmark.run(ModelBenchmark.Options.parse(
        concat(common, "--out", guided.toString(), "--relation-guidance", "3")));

    assertThat(report.rows()).extracting(r -> r.settings().get("relation_guidance")).containsExactly("3", "3");
    assertThat(report.notes()).containsKey("relation guidance");
    List<ManifestEntry> test = ModelBenchmark.entriesOf(Manifest.read(dataset.resolve(Manifest.FILE_NAME)), "test", 2);
    boolean captionMoved = false;
    for (ManifestEntry entry : test) {
      String file = ModelBenchmark.sampleFile(entry.id(), 0);
      assertThat(Files.readAllBytes(ModelBenchmark.sampleDirectory(guided, "labels", "test", 2).resolve(file)))
          .isEqualTo(Files.readAllBytes(ModelBenchmark.sampleDirectory(plain, "labels", "test", 2).resolve(file)));
      captionMoved |= !entry.graph().relationships().isEmpty() && !java.util.Arrays.equals(
          Files.readAllBytes(ModelBenchmark.sampleDirectory(guided, "caption", "test", 2).resolve(file)),
          Files.readAllBytes(ModelBenchmark.sampleDirectory(plain, "caption", "test", 2).resolve(file)));
    }
    assertThat(captionMoved).as("a caption row's graph with relationships samples differently").isTrue();
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--relation-guidance", "31"))
        .hasMessageContaining("--relation-guidance must be within [0, 30] (0 = none), got 31.0");
  }

  /** --eta reaches every row's sampler and is recorded; without it each row samples with its model's own. */
  @Test
  void etaIsAppliedToEveryRowAndRecorded(@TempDir Path dataset, @TempDir Path model, @TempDir Path own,
      @TempDir Path stochastic) throws Exception {
    tinyModel(dataset, model, 3);
    String[] common = {"--dataset", dataset.toString(), "--model", "a=" + model, "--splits", "test", "--limit", "2",
        "--samples", "1", "--steps", "3", "--guidance", "1", "--grid", "0"};
    BenchmarkReport plain = ModelBenchmark.run(ModelBenchmark.Options.parse(concat(common, "--out", own.toString())));
    BenchmarkReport report = ModelBenchmark.run(ModelBenchmark.Options.parse(
        concat(common, "--out", stochastic.toString(), "--eta", "1")));
    assertThat(plain.rows()).extracting(r -> r.settings().get("eta")).containsExactly("0");
    assertThat(report.rows()).extracting(r -> r.settings().get("eta")).containsExactly("1");
    List<ManifestEntry> test = ModelBenchmark.entriesOf(Manifest.read(dataset.resolve(Manifest.FILE_NAME)), "test", 2);
    for (ManifestEntry entry : test) {
      String file = ModelBenchmark.sampleFile(entry.id(), 0);
      assertThat(Files.readAllBytes(ModelBenchmark.sampleDirectory(stochastic, "a", "test", 1).resolve(file)))
          .isNotEqualTo(Files.readAllBytes(ModelBenchmark.sampleDirectory(own, "a", "test", 1).resolve(file)));
    }
    assertThatThrownBy(() -> ModelBenchmark.Options.parse("--dataset", "d", "--model", "a=m", "--eta", "1.5"))
        .hasMessageContaining("--eta must be within [0, 1] (0 = deterministic DDIM), got 1.5");
  }

  private static String[] concat(String[] first, String... more) {
    String[] out = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, out, first.length, more.length);
    return out;
  }

  /** A tiny untrained model, sampled for 2 graphs by a labels row and a caption row: the report and grid say which is which. */
  @Test
  void reportRecordsEachRowsPromptAndTheGridIsWritten(@TempDir Path dataset, @TempDir Path model, @TempDir Path out)
      throws Exception {
    List<ManifestEntry> manifest = tinyModel(dataset, model, 3);

    BenchmarkReport report = ModelBenchmark.run(ModelBenchmark.Options.parse("--dataset", dataset.toString(),
        "--model", "labels=" + model, "--model", "caption=" + model, "--caption", "caption", "--splits", "test",
        "--samples", "1", "--steps", "2", "--guidance", "1", "--grid", "2", "--out", out.toString()));

    BenchmarkReport written = BenchmarkReport.fromJson(Files.readAllBytes(out.resolve("report.json")));
    assertThat(written.rows()).extracting(BenchmarkReport.Row::name).containsExactly("labels test w=1", "caption test w=1");
    assertThat(written.rows()).extracting(r -> r.settings().get("prompt")).containsExactly("LABELS", "CAPTION");
    assertThat(written.rows().get(1).settings())
        .containsEntry("model", "caption").containsEntry("split", "test").containsEntry("guidance", "1");
    assertThat(written.rows().get(0).metrics()).containsKeys("images_per_second", "oor_se", "relation_accuracy_se",
        "relation_accuracy_among_found_se");
    // the first model against the other, over the same graphs
    assertThat(written.comparisons()).extracting(BenchmarkReport.Row::name).containsExactly("labels - caption test w=1");
    assertThat(written.comparisons().get(0).metrics().get("oor_difference")).isCloseTo(
        written.rows().get(0).metrics().get("oor") - written.rows().get(1).metrics().get("oor"),
        org.assertj.core.api.Assertions.within(1e-12));
    // condition reliance is measured once per model and split, and each of its rows carries it
    for (BenchmarkReport.Row row : written.rows()) {
      assertThat(row.metrics()).as(row.name())
          .containsKeys("prediction_mse", "condition_gain", "condition_gain_vs_wrong", "condition_gain_vs_reversed",
              "condition_shift_reversed", "condition_gain_t900", "condition_gain_vs_reversed_t900",
              "clip_reversed_caption_preference",
              "clip_text_shift_reversed", "clip_image_shift_mirrored");
      assertThat(row.metrics().get("prediction_mse")).as(row.name()).isPositive();
      // a fresh CLIP's towers: both see order and position a little, and an image prefers either caption at random
      assertThat(row.metrics().get("clip_text_shift_reversed")).as(row.name()).isPositive();
      assertThat(row.metrics().get("clip_image_shift_mirrored")).as(row.name()).isPositive();
      assertThat(row.metrics().get("clip_reversed_caption_preference")).as(row.name()).isBetween(0.0, 1.0);
    }
    assertThat(report.notes()).containsEntry("prompts", "labels=labels, caption=caption");
    // same model, same seeds, other prompt: other pixels
    String id = ModelBenchmark.entriesOf(manifest, "test", 1).get(0).id();
    byte[] labelled = Files.readAllBytes(ModelBenchmark.sampleDirectory(out, "labels", "test", 1).resolve(ModelBenchmark.sampleFile(id, 0)));
    byte[] captioned = Files.readAllBytes(ModelBenchmark.sampleDirectory(out, "caption", "test", 1).resolve(ModelBenchmark.sampleFile(id, 0)));
    assertThat(captioned).isNotEqualTo(labelled);
    assertThat(ImageIO.read(out.resolve("grid-test.png").toFile()).getWidth()).isGreaterThan(120 + 3 * 96);
    assertThat(Files.readString(out.resolve("grid-test.md"))).contains("`caption` (caption prompt)");
  }
}
