package io.graphpaint.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLIP trains through DJL's own Model / Trainer / Optimizer as well as through hand-written loops. */
class ClipDjlTrainerTest {

  @TempDir Path temp;

  @Test
  void trainerInitialisationKeepsLoadedWeights() throws Exception {
    Path dir = io.graphpaint.model.nn.FixtureFiles.dir("clip-tiny");
    try (NDManager manager = NDManager.newBaseManager();
        Model model = Model.newInstance("clip")) {
      ClipModel clip = ClipModel.load(dir, manager);
      model.setBlock(clip);
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new ClipContrastiveLoss()))) {
        trainer.initialize(new Shape(2, 16), new Shape(2, 16), new Shape(2, 3, 32, 32));
      }
      NDArray stored =
          io.graphpaint.model.nn.FixtureFiles.tensors(manager, dir.resolve("model.safetensors"))
              .get("text_model.encoder.layers.1.mlp.fc2.weight");
      assertThat(clip.stateDict().get("text_model.encoder.layers.1.mlp.fc2.weight").getArray().toFloatArray())
          .containsExactly(stored.toFloatArray());
    }
  }

  @Test
  void trainerStepsLowerTheContrastiveLoss() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(3);
      try (ClipBundle clip =
              ClipBundle.createFresh(temp, ClipTrainingTest.WORDS, 8, ClipTrainingTest.TINY, manager);
          Model model = Model.newInstance("clip")) {
        model.setBlock(clip.model());
        DefaultTrainingConfig config =
            new DefaultTrainingConfig(new ClipContrastiveLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build());
        TokenizedText text = clip.tokenizer().encode(ClipTrainingTest.CAPTIONS.subList(0, 4));
        NDArray ids = text.inputIds(manager);
        NDArray mask = text.attentionMask(manager);
        NDArray pixels = manager.randomNormal(new Shape(4, 3, 16, 16));
        float before = clip.model().stateDict().get("logit_scale").getArray().getFloat();
        try (Trainer trainer = model.newTrainer(config)) {
          trainer.initialize(ids.getShape(), mask.getShape(), pixels.getShape());
          List<Float> losses = new ArrayList<>();
          for (int step = 0; step < 8; step++) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDList predictions = trainer.forward(new NDList(ids, mask, pixels));
              NDArray loss = trainer.getLoss().evaluate(new NDList(), predictions);
              collector.backward(loss);
              losses.add(loss.getFloat());
            }
            trainer.step();
          }
          assertThat(losses.get(losses.size() - 1)).as("losses %s", losses).isLessThan(losses.get(0) * 0.7f);
        }
        assertThat(clip.model().stateDict().get("logit_scale").getArray().getFloat()).isNotEqualTo(before);
      }
    }
  }
}
