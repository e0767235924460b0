package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.graphpaint.model.nn.ExponentialMovingAverage;
import io.graphpaint.model.nn.GradientGuard;
import io.graphpaint.model.nn.StateDict;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Arrays attached to the model's manager do not pile up over training steps or sampling calls. */
class NativeMemoryTest {

  /** A micro UNet (4/8 channels at 8/4 px) so that 200 steps and 200 calls stay quick. */
  private static ConditionalUNet micro() {
    return ConditionalUNet.builder()
        .setConditionDim(4)
        .optSampleSize(8)
        .optChannels(List.of(4, 8))
        .optAttentionResolutions(Set.of(4))
        .optAttentionHeads(1)
        .optNormGroups(2)
        .optTimeEmbedDim(8)
        .build();
  }

  @Test
  void trainingStepsAndSamplingCallsKeepArrayCountFlat() {
    Engine.getInstance().setRandomSeed(4);
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditionalUNet unet = micro().initialize(manager);
      DdpmObjective objective = new DdpmObjective(new NoiseSchedule(NoiseScheduleConfig.defaults()));
      DenoiserTrainer trainer =
          new DenoiserTrainer(
              unet, objective, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(),
              manager, 1.0);
      try (ExponentialMovingAverage ema = new ExponentialMovingAverage(unet, 0.99f, true, manager)) {
        trainer.withEma(ema);
        NDArray x0 = manager.randomUniform(-1f, 1f, new Shape(2, 3, 8, 8));
        NDArray condition = manager.randomNormal(new Shape(2, 2, 4));
        NDArray mask = manager.create(new float[] {1, 1, 1, 0}, new Shape(2, 2));
        Random random = new Random(1);
        int afterWarmUp = 0;
        for (int step = 0; step < 200; step++) {
          trainer.step(x0, condition, mask, random);
          // lazily created state (optimizer moments) exists after the first applied steps
          if (step == 19) {
            afterWarmUp = manager.getManagedArrays().size();
          }
        }
        int afterTraining = manager.getManagedArrays().size();
        assertThat(afterTraining).as("arrays after 200 training steps").isEqualTo(afterWarmUp);
        assertThat(ema.updates()).isEqualTo(200 - trainer.guard().skippedSteps());
        // a refused step must not leave arrays behind either
        GradientGuard.zeroGradients(StateDict.view(unet).values());
        assertThat(manager.getManagedArrays().size()).isEqualTo(afterTraining);

        DdimSampler sampler =
            new DdimSampler(
                unet, trainer.parameterStore(), new DdimScheduler(NoiseScheduleConfig.defaults()));
        NDArray unconditional = manager.zeros(new Shape(2, 1, 4));
        int beforeSampling = manager.getManagedArrays().size();
        for (int call = 0; call < 200; call++) {
          try (NDManager request = manager.newSubManager()) {
            SamplingRequest sampling =
                new SamplingRequest(
                    new long[] {call, call + 1}, condition, mask, unconditional, null, 2f, 2,
                    call % 2 == 0 ? 0f : 0.3f, 8, 8);
            NDArray images = sampler.sample(sampling, request, SamplingListener.NONE);
            assertThat(images.getManager()).isSameAs(request);
          }
          if (call == 19) {
            assertThat(manager.getManagedArrays().size()).isEqualTo(beforeSampling);
          }
        }
        assertThat(manager.getManagedArrays().size())
            .as("arrays after 200 sampling calls")
            .isEqualTo(beforeSampling);
      }
    }
  }
}
