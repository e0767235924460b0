package io.graphpaint.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.train.WordTokenizer;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.diffusion.UNetConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneGraphPipelineTest {

  private static final Vocabulary VOCABULARY = ShapesWorld.vocabulary();
  private static final SamplingOptions OPTIONS = new SamplingOptions(4, 1.5, 0f, 8);
  private static NDManager manager;
  private static GraphPaintModel model;
  private static ModelConfig config;
  private static byte[] tokenizer;

  @BeforeAll
  static void createModel() {
    List<String> texts = new ArrayList<>(ShapesWorld.labels());
    WordTokenizer words = WordTokenizer.of(texts, 16);
    tokenizer = words.json();
    config = ModelConfig.tiny(VOCABULARY, words.ids(), 32);
    Engine.getInstance().setRandomSeed(21);
    manager = NDManager.newBaseManager();
    model = GraphPaintModel.create(config, VOCABULARY, tokenizer, manager);
  }

  @AfterAll
  static void close() {
    model.close();
    manager.close();
  }

  private static SceneGraph graph(String a, String predicate, String b) {
    return SceneGraph.of(List.of(a, b), List.of(new Relationship(0, predicate, 1)));
  }

  private static List<SamplingRequest> requests(long seed) {
    return List.of(
        new SamplingRequest(graph("red circle", "left of", "blue square"), seed, 2),
        new SamplingRequest(graph("green triangle", "above", "yellow circle"), seed + 100, 1));
  }

  private static List<byte[]> pngs(List<GeneratedImage> images) {
    return images.stream().map(GeneratedImage::png).toList();
  }

  @Test
  void sameInputsGiveTheSameBytesAndOtherSeedsDiffer() throws Exception {
    SceneGraphPipeline pipeline = new SceneGraphPipeline(model);
    AtomicInteger steps = new AtomicInteger();
    List<GeneratedImage> first = pipeline.generate(requests(7), OPTIONS.withMaxBatch(2), (s, total, b, n) -> steps.incrementAndGet());
    List<GeneratedImage> second = pipeline.generate(requests(7), OPTIONS.withMaxBatch(2), SamplingProgress.NONE);
    List<GeneratedImage> other = pipeline.generate(requests(8), OPTIONS.withMaxBatch(2), SamplingProgress.NONE);
    assertThat(first).hasSize(3);
    assertThat(steps.get()).isEqualTo(4 * 2); // 4 steps in each of 2 batches
    for (int i = 0; i < first.size(); i++) {
      assertThat(first.get(i).png()).isEqualTo(second.get(i).png());
      assertThat(first.get(i).pixels()).isEqualTo(second.get(i).pixels());
      assertThat(first.get(i).png()).isNotEqualTo(other.get(i).png());
    }
    assertThat(first.get(0).seed()).isEqualTo(7);
    assertThat(first.get(1).seed()).isEqualTo(8);
    assertThat(first.get(2).request()).isEqualTo(1);
    // images of one request differ from each other (seed + n)
    assertThat(first.get(0).png()).isNotEqualTo(first.get(1).png());
    // the PNG holds the float pixels rounded to 8 bits
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(first.get(0).png()));
    assertThat(decoded.getWidth()).isEqualTo(32);
    int red = (decoded.getRGB(5, 7) >> 16) & 0xff;
    assertThat(red).isEqualTo(Math.round(first.get(0).pixels()[7 * 32 + 5] * 255f));
    for (float value : first.get(0).pixels()) {
      assertThat(value).isBetween(0f, 1f);
    }
  }

  /**
   * Relation guidance steers away from the graph with its relationships reversed: it changes the
   * images of graphs with relationships, and leaves alone (no extra branch) a graph without any and
   * a model whose condition is label text alone, which cannot tell the two apart.
   */
  @Test
  void relationGuidanceMovesOnlyWhatTheRelationsCanMove() {
    SceneGraphPipeline pipeline = new SceneGraphPipeline(model);
    SamplingOptions guided = OPTIONS.withRelationGuidance(2);
    assertThat(pngs(pipeline.generate(requests(7), guided, SamplingProgress.NONE)))
        .doesNotContainAnyElementsOf(pngs(pipeline.generate(requests(7), OPTIONS, SamplingProgress.NONE)));
    List<SamplingRequest> noRelations = List.of(
        new SamplingRequest(SceneGraph.of(List.of("red circle", "blue square"), List.of()), 3, 2));
    assertThat(pngs(pipeline.generate(noRelations, guided, SamplingProgress.NONE)))
        .containsExactlyElementsOf(pngs(pipeline.generate(noRelations, OPTIONS, SamplingProgress.NONE)));
    assertThat(pipeline.seesRelations(io.graphpaint.model.fusion.PromptKind.LABELS)).isTrue();

    ModelConfig textOnly = config.withFusion(config.fusion().withMode(io.graphpaint.model.fusion.FusionMode.TEXT_ONLY));
    try (NDManager scope = NDManager.newBaseManager();
        GraphPaintModel labelsOnly = GraphPaintModel.create(textOnly, VOCABULARY, tokenizer, scope)) {
      SceneGraphPipeline text = new SceneGraphPipeline(labelsOnly);
      assertThat(text.seesRelations(io.graphpaint.model.fusion.PromptKind.LABELS)).isFalse();
      assertThat(text.seesRelations(io.graphpaint.model.fusion.PromptKind.CAPTION)).isTrue();
      assertThat(pngs(text.generate(requests(7), guided, SamplingProgress.NONE)))
          .containsExactlyElementsOf(pngs(text.generate(requests(7), OPTIONS, SamplingProgress.NONE)));
    }
    assertThatThrownBy(() -> OPTIONS.withRelationGuidance(-1))
        .hasMessageContaining("relationGuidance must be within [0, 30] (0 = none), got -1.0");
  }

  /**
   * A model with one token per triple conditions on its graph's triples: the relationship and each
   * object's {@code __in_image__} edge are the real slots of the condition's last
   * {@code maxTriplesPerGraph} tokens, a reversed relationship changes the condition, and it samples.
   */
  @Test
  void tripleTokensConditionOnEachTripleOfTheGraph() {
    ModelConfig triples = config.withFusion(config.fusion().withMode(io.graphpaint.model.fusion.FusionMode.APPEND_TRIPLES));
    try (NDManager scope = NDManager.newBaseManager();
        GraphPaintModel tripleModel = GraphPaintModel.create(triples, VOCABULARY, tokenizer, scope)) {
      SceneGraphPipeline pipeline = new SceneGraphPipeline(tripleModel);
      SceneGraph graph = graph("red circle", "left of", "blue square");
      SceneGraph reversed = new SceneGraph(graph.objects(), List.of(new Relationship(1, "left of", 0)));
      var condition = pipeline.condition(List.of(graph, reversed), io.graphpaint.model.fusion.PromptKind.LABELS, scope);
      int slots = triples.graphEncoder().maxTriplesPerGraph();
      long length = condition.tokens().getShape().get(1);
      var local = condition.mask().get(":, {}:", length - slots);
      // one relationship and two __in_image__ edges
      assertThat(local.sum(new int[] {1}).toFloatArray()).containsExactly(3f, 3f);
      assertThat(condition.tokens().get(0).sub(condition.tokens().get(1)).abs().max().getFloat()).isGreaterThan(1e-4f);
      assertThat(pipeline.generate(requests(7), OPTIONS, SamplingProgress.NONE)).hasSize(3);
    }
  }

  @Test
  void rejectsUnknownLabelsAndBadOptions() {
    SceneGraphPipeline pipeline = new SceneGraphPipeline(model);
    SamplingRequest unknown = new SamplingRequest(graph("red circle", "left of", "purple cow"), 1, 1);
    assertThatThrownBy(() -> pipeline.generate(List.of(unknown), OPTIONS, SamplingProgress.NONE))
        .hasMessageContaining("purple cow");
    assertThatThrownBy(() -> new SamplingOptions(0, 1, 0f, 8)).hasMessageContaining("steps must be within [1, 1000]");
    assertThatThrownBy(() -> new SamplingRequest(graph("red circle", "left of", "blue square"), 1, 9))
        .hasMessageContaining("numImages must be within [1, 8]");
  }

  @Test
  void checkpointRoundTripGivesBitIdenticalSamples(@TempDir Path directory) throws Exception {
    List<GeneratedImage> before = new SceneGraphPipeline(model).generate(requests(3), OPTIONS, SamplingProgress.NONE);
    ModelDirectory.save(model, directory, new ObjectMapper().createObjectNode().put("note", "test"), Map.of("oor", 0.5));
    assertThat(directory.resolve("model.json")).exists();
    assertThat(directory.resolve("unet.safetensors")).exists();
    assertThat(directory.resolve("tokenizer.json")).exists();
    assertThat(Files.readString(directory.resolve("metrics.json"))).contains("\"oor\" : 0.5");
    assertThat(Files.readString(directory.resolve("model.json"))).contains("\"fusionMode\" : \"APPEND\"", "\"sampling\"");
    try (SceneGraphPipeline loaded = SceneGraphPipeline.load(directory, manager)) {
      List<GeneratedImage> after = loaded.generate(requests(3), OPTIONS, SamplingProgress.NONE);
      assertThat(pngs(after)).hasSize(before.size());
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i).pixels()).isEqualTo(before.get(i).pixels());
        assertThat(after.get(i).png()).isEqualTo(before.get(i).png());
      }
      assertThat(loaded.model().config()).isEqualTo(config);
    }
  }

  @Test
  void mismatchedArchitectureOrVocabularyFailsSayingWhatDiffers(@TempDir Path directory) throws Exception {
    ModelDirectory.save(model, directory, null, Map.of());
    UNetConfig unet = config.unet();
    ModelConfig wider = config.withUnet(new UNetConfig(unet.sampleSize(), 3, 3, List.of(8, 32), unet.layersPerLevel(),
        unet.attentionResolutions(), unet.conditionDim(), unet.attentionHeads(), unet.normGroups(), unet.timeEmbedDim(), 0f, unet.pooledCondition(), unet.positionEmbedding()));
    assertThatThrownBy(() -> ModelDirectory.load(directory, manager, wider, VOCABULARY))
        .hasMessageContaining("architecture.unet.channels: [8,32] vs [8,16]");
    List<String> labels = new ArrayList<>(ShapesWorld.labels());
    labels.add("purple cow");
    Vocabulary larger = Vocabulary.of(labels, VOCABULARY.predicates().subList(1, VOCABULARY.predicates().size()), List.of());
    assertThatThrownBy(() -> ModelDirectory.load(directory, manager, config, larger))
        .hasMessageContaining("vocabulary.object_name_to_idx.purple cow");

    // weights that do not fit the architecture model.json declares
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(directory.resolve("model.json").toFile());
    ArrayNode channels = (ArrayNode) root.with("architecture").with("unet").get("channels");
    channels.set(1, json.getNodeFactory().numberNode(24));
    Files.writeString(directory.resolve("model.json"), json.writeValueAsString(root));
    assertThatThrownBy(() -> ModelDirectory.load(directory, manager))
        .hasMessageContaining("do not match the model architecture")
        .hasMessageContaining("unet.")
        .hasMessageContaining("the model expects (24");
  }
}
