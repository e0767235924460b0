package io.graphpaint.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.nn.FixtureFiles;
import io.graphpaint.model.nn.SafetensorsStateDict;
import io.graphpaint.model.nn.TrainingSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fresh CLIPs: tokenizer files, saving and loading, gradients and a tiny contrastive fit. */
class ClipTrainingTest {

  static final List<String> WORDS =
      List.of("a", "red", "green", "blue", "yellow", "circle", "square", "triangle", "star", "left", "of", ",");
  static final ClipSize TINY = new ClipSize(32, 1, 2, 2, 16, 16, 8, ClipActivation.QUICK_GELU);
  static final List<String> CAPTIONS =
      List.of("a red circle", "a green square", "a blue triangle", "a yellow star",
          "a red square", "a green triangle", "a blue star", "a yellow circle");

  @TempDir Path temp;

  @Test
  void wordLevelTokenizerAddsSpecialTokensPadsAndTruncates() throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        ClipBundle clip = ClipBundle.createFresh(temp, WORDS, 8, TINY, manager)) {
      TokenizedText t =
          clip.tokenizer().encode(List.of("A Red circle, left of a zebra", "a red circle left of a blue square star"));
      // ids: words 0..11 in order, <|unk|> 12, <|startoftext|> 13, <|endoftext|> 14
      assertThat(t.inputIds()[0]).containsExactly(13, 0, 1, 5, 11, 9, 10, 14);
      assertThat(t.inputIds()[1]).containsExactly(13, 0, 1, 5, 9, 10, 0, 14); // truncated, still ends with EOS
      TokenizedText padded = clip.tokenizer().encode(List.of("blue star", "zebra"));
      assertThat(padded.inputIds()[0]).containsExactly(13, 3, 8, 14, 14, 14, 14, 14);
      assertThat(padded.attentionMask()[0]).containsExactly(1, 1, 1, 1, 0, 0, 0, 0);
      assertThat(padded.inputIds()[1]).containsExactly(13, 12, 14, 14, 14, 14, 14, 14);
      ClipConfig config = clip.model().config();
      assertThat(config.text().vocabSize()).isEqualTo(15);
      assertThat(config.text().eosTokenId()).isEqualTo(14);
      assertThat(ClipConfig.read(temp.resolve("config.json"))).isEqualTo(config);
    }
  }

  @Test
  void poolsAtTheFirstEndTokenWhenEosIdIsNotTwo() throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        ClipBundle clip = ClipBundle.createFresh(temp, WORDS, 8, TINY, manager)) {
      ClipTextConfig t = clip.model().config().text();
      // eos_token_id 5 is not the highest id, so "first position of 5" and "argmax" disagree
      ClipTextConfig eosFive =
          new ClipTextConfig(t.vocabSize(), t.hiddenSize(), t.intermediateSize(), t.numLayers(), t.numHeads(),
              t.maxPositions(), t.hiddenAct(), t.layerNormEps(), t.bosTokenId(), 5, t.padTokenId(),
              t.initializerRange(), t.initializerFactor());
      ClipConfig c = clip.model().config();
      ClipModel model = ClipModel.create(new ClipConfig(eosFive, c.vision(), c.projectionDim(), c.logitScaleInit()), manager);
      NDArray ids = manager.create(new long[] {13, 1, 5, 14, 5, 14, 14, 14, 13, 2, 6, 12, 0, 14, 5, 14}, new Shape(2, 8));
      ClipEncoderOutput out = model.encodeText(new ParameterStore(manager, false), ids, null, false);
      assertThat(out.pooled().get(0).toFloatArray()).containsExactly(out.lastHiddenState().get(0, 2).toFloatArray());
      assertThat(out.pooled().get(1).toFloatArray()).containsExactly(out.lastHiddenState().get(1, 6).toFloatArray());
      assertThat(out.pooled().get(0).toFloatArray()).doesNotContain(out.lastHiddenState().get(0, 3).toFloatArray()[0]);
    }
  }

  @Test
  void saveThenLoadGivesIdenticalOutputs() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(21);
      Path freshDir = temp.resolve("fresh");
      Path savedDir = temp.resolve("saved");
      try (ClipBundle fresh = ClipBundle.createFresh(freshDir, WORDS, 8, TINY, manager)) {
        fresh.save(savedDir);
        try (ClipBundle loaded = ClipBundle.load(savedDir, manager)) {
          ParameterStore ps = new ParameterStore(manager, false);
          TokenizedText text = loaded.tokenizer().encode(CAPTIONS.subList(0, 3));
          NDArray ids = text.inputIds(manager);
          NDArray mask = text.attentionMask(manager);
          NDArray pixels = manager.randomNormal(new Shape(2, 3, 16, 16));
          ClipOutput a = fresh.model().apply(ps, ids, mask, pixels, false);
          ClipOutput b = loaded.model().apply(ps, ids, mask, pixels, false);
          assertThat(b.logitsPerImage().toFloatArray()).containsExactly(a.logitsPerImage().toFloatArray());
          assertThat(b.text().lastHiddenState().toFloatArray()).containsExactly(a.text().lastHiddenState().toFloatArray());
          assertThat(b.vision().lastHiddenState().toFloatArray())
              .containsExactly(a.vision().lastHiddenState().toFloatArray());
        }
      }
      // the fixture checkpoint survives a save -> load round trip through graphpaint unchanged
      Path copy = temp.resolve("clip-tiny-copy");
      try (ClipBundle tiny = ClipBundle.load(FixtureFiles.dir("clip-tiny"), manager)) {
        tiny.save(copy);
        ClipModel reloaded = ClipModel.load(copy, manager);
        tiny.model().stateDict().forEach((name, p) ->
            assertThat(reloaded.stateDict().get(name).getArray().toFloatArray()).as(name)
                .containsExactly(p.getArray().toFloatArray()));
      }
    }
  }

  @Test
  void loadingMismatchedShapesNamesParameterAndShapes() throws Exception {
    Path dir = FixtureFiles.dir("clip-tiny");
    ClipConfig fixture = ClipConfig.read(dir.resolve("config.json"));
    ClipConfig narrower =
        new ClipConfig(fixture.text(), fixture.vision(), 16, fixture.logitScaleInit());
    try (NDManager manager = NDManager.newBaseManager()) {
      ClipModel model = ClipModel.create(narrower, manager);
      assertThatThrownBy(() -> SafetensorsStateDict.load(model, dir.resolve("model.safetensors")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("visual_projection.weight")
          .hasMessageContaining("expects shape (16, 64)")
          .hasMessageContaining("(32, 64)");
    }
  }

  @Test
  void gradientReachesEveryParameter() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Path dir = FixtureFiles.dir("clip-tiny");
      ClipModel model = ClipModel.load(dir, manager);
      Map<String, NDArray> in = FixtureFiles.tensors(manager, dir.resolve("inputs.safetensors"));
      // 3 texts with padding for 3 images: contrastive loss over matched pairs
      NDArray ids = in.get("input_ids").get("0:3");
      NDArray mask = in.get("attention_mask").get("0:3");
      NDArray pixels = in.get("pixel_values");
      Map<String, Float> grads =
          TrainingSteps.gradientMagnitudes(
              model, manager,
              (step, ps) -> ClipContrastiveLoss.symmetricCrossEntropy(
                  model.apply(ps, ids, mask, pixels, true).logitsPerText()));
      assertThat(grads).hasSize(model.stateDict().size());
      grads.forEach((name, g) -> assertThat(g).as("gradient of " + name).isGreaterThan(0f).isFinite());
    }
  }

  @Test
  void freshClipFitsATinyBatchOfPairs() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(7);
      try (ClipBundle clip = ClipBundle.createFresh(temp, WORDS, 8, TINY, manager)) {
        TokenizedText text = clip.tokenizer().encode(CAPTIONS);
        NDArray ids = text.inputIds(manager);
        NDArray mask = text.attentionMask(manager);
        NDArray images = manager.randomUniform(0f, 255f, new Shape(CAPTIONS.size(), 16, 16, 3)).toType(DataType.UINT8, false);
        NDArray pixels = clip.imageProcessor().preprocess(images);
        long start = System.nanoTime();
        List<Float> losses =
            TrainingSteps.adam(
                clip.model(), manager, 3e-3f, 15,
                (step, ps) -> {
                  NDArray stepPixels = pixels.duplicate();
                  stepPixels.attach(step);
                  NDArray stepIds = ids.duplicate();
                  stepIds.attach(step);
                  return ClipContrastiveLoss.symmetricCrossEntropy(
                      clip.model().apply(ps, stepIds, mask, stepPixels, true).logitsPerText());
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        float first = losses.get(0);
        float last = losses.get(losses.size() - 1);
        assertThat(first).isBetween(1.5f, 2.6f); // about ln 8 at initialisation
        assertThat(last).as("loss %s -> %s in %.1f s: %s", first, last, seconds, losses).isLessThan(first / 10f);
      }
    }
  }

  @Test
  void contrastiveLossMatchesAReferenceComputation() {
    try (NDManager manager = NDManager.newBaseManager()) {
      float[][] logits = {{2f, 0.5f, -1f}, {0f, 1f, 3f}, {1f, 1f, 1f}};
      double expected = 0;
      for (int i = 0; i < 3; i++) { // rows: text -> image; columns: image -> text
        double rowSum = 0;
        double colSum = 0;
        for (int j = 0; j < 3; j++) {
          rowSum += Math.exp(logits[i][j]);
          colSum += Math.exp(logits[j][i]);
        }
        expected += (Math.log(rowSum) - logits[i][i]) / 3 / 2;
        expected += (Math.log(colSum) - logits[i][i]) / 3 / 2;
      }
      NDArray loss = ClipContrastiveLoss.symmetricCrossEntropy(manager.create(logits));
      assertThat((double) loss.getFloat()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
      assertThatThrownBy(() -> ClipContrastiveLoss.symmetricCrossEntropy(manager.zeros(new Shape(2, 3))))
          .hasMessageContaining("square");
    }
  }
}
