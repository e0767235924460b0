package io.graphpaint.worker.generation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.worker.TestModels;
import io.graphpaint.worker.models.LoadedModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real sampling path over the shipped trained model ({@link TestModels}). */
class DiffusionImageGeneratorTest {

  private static NDManager manager;
  private static GraphPaintModel model;
  private static DiffusionImageGenerator generator;

  private static final SceneGraph TWO = SceneGraph.of(List.of("red circle", "blue square"),
      List.of(new Relationship(0, "left of", 1)));
  private static final SceneGraph THREE = SceneGraph.of(List.of("green triangle", "red square", "blue circle"),
      List.of(new Relationship(0, "above", 1), new Relationship(2, "right of", 1)));

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager();
    model = ModelDirectory.load(TestModels.directory("v1"), manager);
    generator = new DiffusionImageGenerator(model);
  }

  @AfterAll
  static void close() {
    model.close();
    manager.close();
  }

  @Test
  void pngsOfTheModelsSizeOnePerSeedWithProgressEveryStep() throws Exception {
    List<Integer> steps = new ArrayList<>();
    GeneratedBatch batch = generator.generate(new BatchSettings("v1", 2, 1.5f, TestModels.SIZE),
        List.of(new GenerationJob("a", TWO, 2, 10), new GenerationJob("b", THREE, 1, 99)),
        (step, total) -> {
          assertThat(total).isEqualTo(2);
          steps.add(step);
        });
    assertThat(steps).containsExactly(1, 2);
    assertThat(batch.pngsPerJob()).hasSize(2);
    assertThat(batch.pngsPerJob().get(0)).hasSize(2);
    assertThat(batch.pngsPerJob().get(1)).hasSize(1);
    for (List<byte[]> pngs : batch.pngsPerJob()) {
      for (byte[] png : pngs) {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(TestModels.SIZE);
        assertThat(image.getHeight()).isEqualTo(TestModels.SIZE);
      }
    }
    // two seeds of one request give two different images
    assertThat(batch.pngsPerJob().get(0).get(0)).isNotEqualTo(batch.pngsPerJob().get(0).get(1));
  }

  @Test
  void sameRequestSameSeedSameBytesAloneOrWithBatchMates() {
    BatchSettings settings = new BatchSettings("v1", 2, 1.5f, TestModels.SIZE);
    GenerationJob job = new GenerationJob("x", TWO, 2, 1234);
    List<byte[]> alone = generator.generate(settings, List.of(job), StepListener.NONE).pngsPerJob().get(0);
    List<byte[]> again = generator.generate(settings, List.of(job), StepListener.NONE).pngsPerJob().get(0);
    assertThat(again.get(0)).isEqualTo(alone.get(0));
    assertThat(again.get(1)).isEqualTo(alone.get(1));
    List<byte[]> withMates = generator.generate(settings,
        List.of(new GenerationJob("y", THREE, 3, 5), job), StepListener.NONE).pngsPerJob().get(1);
    // batch-mates change nothing beyond the engine's rounding: decoded pixels within one level
    for (int n = 0; n < 2; n++) {
      assertThat(maxPixelDifference(withMates.get(n), alone.get(n))).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void wholeBatchUNetGivesTheSameImagesUpToRounding() {
    LoadedModel whole = new LoadedModel("default", "v1", model, true); // not closed: the model is shared
    assertThat(whole.generator()).isInstanceOfSatisfying(DiffusionImageGenerator.class,
        g -> assertThat(g.batchInvariant()).isFalse());
    assertThat(generator.batchInvariant()).isTrue();
    BatchSettings settings = new BatchSettings("v1", 2, 1.5f, TestModels.SIZE);
    List<GenerationJob> jobs = List.of(new GenerationJob("a", TWO, 2, 7), new GenerationJob("b", THREE, 3, 70));
    List<List<byte[]>> perImage = generator.generate(settings, jobs, StepListener.NONE).pngsPerJob();
    List<List<byte[]>> batched = whole.generator().generate(settings, jobs, StepListener.NONE).pngsPerJob();
    for (int job = 0; job < jobs.size(); job++) {
      for (int n = 0; n < jobs.get(job).numImages(); n++) {
        assertThat(maxPixelDifference(batched.get(job).get(n), perImage.get(job).get(n)))
            .as("job %d image %d", job, n).isLessThanOrEqualTo(1);
      }
    }
  }

  private static int maxPixelDifference(byte[] a, byte[] b) {
    try {
      BufferedImage x = ImageIO.read(new ByteArrayInputStream(a));
      BufferedImage y = ImageIO.read(new ByteArrayInputStream(b));
      int max = 0;
      for (int row = 0; row < x.getHeight(); row++) {
        for (int col = 0; col < x.getWidth(); col++) {
          int p = x.getRGB(col, row);
          int q = y.getRGB(col, row);
          for (int shift = 0; shift <= 16; shift += 8) {
            max = Math.max(max, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
          }
        }
      }
      return max;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
