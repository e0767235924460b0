package io.graphpaint.model.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingDiscriminatorTest {

  @Test
  void mapsEmbeddingsToOneLogitAndRejectsWrongWidth() {
    try (NDManager manager = NDManager.newBaseManager()) {
      EmbeddingDiscriminator discriminator =
          new EmbeddingDiscriminator(new EmbeddingDiscriminator.Config(8, List.of(16, 12), 0.2f, 0.3f));
      discriminator.initialize(manager, DataType.FLOAT32, new Shape(5, 8));
      ParameterStore store = new ParameterStore(manager, false);
      NDArray logits = discriminator.forward(store, new NDList(manager.randomNormal(new Shape(5, 8))), true).head();
      assertThat(logits.getShape()).isEqualTo(new Shape(5, 1));
      assertThat(discriminator.getOutputShapes(new Shape[] {new Shape(5, 8)})[0]).isEqualTo(new Shape(5, 1));
      assertThatThrownBy(() -> discriminator.forward(store, new NDList(manager.ones(new Shape(5, 7))), false))
          .hasMessageContaining("(B, 8)");
      assertThat(EmbeddingDiscriminator.Config.paper(512).hiddenSizes()).containsExactly(256);
      assertThatThrownBy(() -> new EmbeddingDiscriminator.Config(8, List.of(4), 0.2f, 1f))
          .hasMessageContaining("dropout must be within [0, 1)");
    }
  }

  @Test
  void trainingOnBinaryCrossEntropyLearnsToTellRealFromFake() {
    Engine.getInstance().setRandomSeed(7);
    try (NDManager manager = NDManager.newBaseManager()) {
      EmbeddingDiscriminator discriminator =
          new EmbeddingDiscriminator(new EmbeddingDiscriminator.Config(6, List.of(32), 0.2f, 0.3f));
      discriminator.initialize(manager, DataType.FLOAT32, new Shape(16, 6));
      ParameterStore store = new ParameterStore(manager, false);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build();
      NDArray real = manager.randomNormal(new Shape(16, 6)).add(1f);
      NDArray fake = manager.randomNormal(new Shape(16, 6)).sub(1f);
      float first = Float.NaN;
      float last = Float.NaN;
      for (int step = 0; step < 60; step++) {
        try (NDManager stepManager = manager.newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          // one forward over [real; fake]: BatchNorm statistics over both, else per-batch
          // normalisation would erase exactly the shift that tells them apart
          NDArray logits = discriminator.forward(store, new NDList(real.concat(fake)), true).head();
          NDArray realLogits = logits.get("0:16");
          NDArray fakeLogits = logits.get("16:");
          NDArray loss = GanLoss.discriminatorLoss(realLogits, fakeLogits);
          loss.attach(stepManager);
          collector.backward(loss);
          if (step == 0) {
            first = loss.getFloat();
          }
          last = loss.getFloat();
          for (Pair<String, Parameter> parameter : discriminator.getParameters()) {
            if (parameter.getValue().requiresGradient()) {
              NDArray weight = parameter.getValue().getArray();
              adam.update(parameter.getValue().getId(), weight, weight.getGradient());
            }
          }
        }
      }
      assertThat(last).isLessThan(first / 4);
      try (NDManager evalManager = manager.newSubManager()) {
        float realProbability = discriminator.forward(store, new NDList(real), false).head().neg().exp().add(1f).pow(-1f).mean().getFloat();
        float fakeProbability = discriminator.forward(store, new NDList(fake), false).head().neg().exp().add(1f).pow(-1f).mean().getFloat();
        assertThat(realProbability).isGreaterThan(0.8f);
        assertThat(fakeProbability).isLessThan(0.2f);
      }
    }
  }
}
