package io.graphpaint.trainingworker;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.storage.ObjectKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A job out of wall time stops each stage after its current step, still evaluates and uploads a
 * version, and says so in its metrics; FID here in the 8x8 pixel feature space.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class WallTimeBudgetTest {

  @Test
  void jobOutOfTimeStopsEachStageAndStillPublishesItsArtifacts(DevStack stack) throws Exception {
    try (TrainingFixture fixture = new TrainingFixture(stack)) {
      String manifest = fixture.writeShapesDataset("budget", "v1", 51, 8, 2);
      JobSettings settings = new JobSettings(1_000, 0.5, Duration.ofMillis(1), 4, 1e-3, 1, 100, 2, 100, "val", 2, 2,
          1.0, "pixels", 1, new PromotionGate(0.02, 0.1));
      DatasetUpdate update = DatasetUpdate.newBuilder().setDatasetId("budget").setVersion("v1").setManifestUri(manifest)
          .setFormat(DatasetFormat.SYNTHETIC_SHAPES).setSampleCount(10).setModelName("budget")
          .setUnknownLabelPolicy(UnknownLabelPolicy.REJECT).setSubmittedAt(Instant.now()).build();
      List<String> stages = new ArrayList<>();
      TrainingJob.Outcome outcome = new TrainingJob(fixture.store, settings, fixture.scratch.resolve("budget-work"))
          .run(update, new TrainingJob.BaseModel("default", fixture.defaultModel.toString()),
              (stage, step, total, losses, remaining, millis) -> stages.add(stage + ":" + step), () -> false);
      assertThat(outcome.metrics()).containsEntry("budget_exhausted", 1.0).containsEntry("steps", 2.0)
          .containsEntry("steps_planned", 1_000.0).containsKeys("fid", "base_fid", "relation_accuracy");
      assertThat(stages).containsSubsequence("align:1", "finetune:501");
      assertThat(fixture.store.exists("graphpaint-models",
          ObjectKeys.modelFile("budget", outcome.version(), "model.json"))).isTrue();
    }
  }
}
