package io.graphpaint.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.clip.TokenizedText;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.ShapesConfig;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.diffusion.DdimSampler;
import io.graphpaint.model.diffusion.DdimScheduler;
import io.graphpaint.model.fusion.FusionMode;
import io.graphpaint.model.fusion.PromptKind;
import io.graphpaint.model.train.TrainingData;
import io.graphpaint.model.train.WordTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CAPTION prompts are the captions stage 0b trains on, and the pipeline samples with exactly them. */
class CaptionPromptTest {

  @TempDir static Path dataset;
  private static Vocabulary vocabulary;
  private static TrainingData train;

  @BeforeAll
  static void makeDataset() throws Exception {
    ShapesDatasets.make(ShapesConfig.defaults(4, 32, 12, 0, 6, 0), dataset);
    vocabulary = Vocabulary.load(dataset.resolve(ShapesDatasets.VOCAB_FILE));
    train = TrainingData.read(dataset, "train", vocabulary, 0);
  }

  @Test
  void captionPromptsEqualTheTrainingCaptionsAndLabelPromptsTheTrainingLabelPrompts() throws Exception {
    assertThat(train.size()).isEqualTo(12);
    for (int i = 0; i < train.size(); i++) {
      SceneGraph graph = train.graphs().get(i);
      assertThat(PromptKind.CAPTION.text(graph)).isEqualTo(train.captions().get(i));
      assertThat(PromptKind.LABELS.text(graph)).isEqualTo(train.labelPrompts().get(i));
    }
    // the test split's manifest captions too, which the benchmark checks before prompting with captions
    List<ManifestEntry> test = Manifest.read(dataset.resolve(Manifest.FILE_NAME)).stream()
        .filter(e -> e.split().equals("test")).toList();
    assertThat(test).hasSize(6);
    for (ManifestEntry entry : test) {
      assertThat(PromptKind.CAPTION.text(entry.graph())).isEqualTo(entry.caption());
      assertThat(entry.graph().relationships()).isNotEmpty(); // so the caption is a sentence, not the labels
      assertThat(PromptKind.CAPTION.text(entry.graph())).isNotEqualTo(PromptKind.LABELS.text(entry.graph()));
    }
  }

  @Test
  void pipelineConditionsOnTheClipStatesOfTheCaption() {
    List<String> texts = new ArrayList<>(train.captions());
    texts.addAll(train.labelPrompts());
    WordTokenizer words = WordTokenizer.of(texts, 24);
    ModelConfig config = ModelConfig.tiny(vocabulary, words.ids(), 32);
    config = config.withFusion(config.fusion().withMode(FusionMode.TEXT_ONLY));
    Engine.getInstance().setRandomSeed(5);
    List<SceneGraph> graphs = train.graphs().subList(0, 2);
    int steps = 3;
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = GraphPaintModel.create(config, vocabulary, words.json(), manager)) {
      SceneGraphPipeline pipeline = new SceneGraphPipeline(model);
      SamplingOptions options = new SamplingOptions(steps, 1.0, 0f, 8).withPrompt(PromptKind.CAPTION);
      List<SamplingRequest> requests = List.of(new SamplingRequest(graphs.get(0), 40, 1), new SamplingRequest(graphs.get(1), 41, 1));
      List<GeneratedImage> captioned = pipeline.generate(requests, options, SamplingProgress.NONE);
      List<GeneratedImage> labelled =
          pipeline.generate(requests, options.withPrompt(PromptKind.LABELS), SamplingProgress.NONE);

      // reference: DDIM on the CLIP text states of the training captions, no guidance
      float[] expected;
      try (NDManager scratch = manager.newSubManager()) {
        ParameterStore store = new ParameterStore(scratch, false);
        TokenizedText tokens = model.tokenizer().encode(List.of(train.captions().get(0), train.captions().get(1)));
        NDArray mask = tokens.attentionMask(scratch);
        NDArray states = model.clip().encodeText(store, tokens.inputIds(scratch), mask, false).lastHiddenState();
        DdimSampler sampler =
            new DdimSampler(model.unet(), store, new DdimScheduler(config.noiseSchedule()).withSampleClipping(1f));
        NDArray images = sampler.sample(
            io.graphpaint.model.diffusion.SamplingRequest.conditional(
                new long[] {40, 41}, states, mask.toType(DataType.FLOAT32, false), steps, 32),
            scratch, null);
        expected = images.toFloatArray();
      }
      int perImage = 3 * 32 * 32;
      float maxLabelDifference = 0;
      for (int i = 0; i < 2; i++) {
        float[] pixels = captioned.get(i).pixels();
        float[] other = labelled.get(i).pixels();
        for (int p = 0; p < perImage; p++) {
          float reference = Math.min(1f, Math.max(0f, expected[i * perImage + p] / 2f + 0.5f));
          assertThat(pixels[p]).as("image %d value %d", i, p).isCloseTo(reference, within(1e-5f));
          maxLabelDifference = Math.max(maxLabelDifference, Math.abs(other[p] - pixels[p]));
        }
      }
      // the label prompt is another condition: the comparison above would notice a pipeline ignoring the option
      assertThat(maxLabelDifference).isGreaterThan(1e-3f);
    }
  }
}
