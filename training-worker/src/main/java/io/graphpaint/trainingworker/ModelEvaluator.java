package io.graphpaint.trainingworker;

import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.eval.Evaluation;
import io.graphpaint.model.eval.FrechetDistance;
import io.graphpaint.model.eval.ImageFeatures;
import io.graphpaint.model.eval.PixelGridFeatures;
import io.graphpaint.model.sampling.GeneratedImage;
import io.graphpaint.model.sampling.SamplingOptions;
import io.graphpaint.model.sampling.SamplingRequest;
import io.graphpaint.model.sampling.SceneGraphPipeline;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The benchmark metrics of a model on a dataset's validation samples: one image per validation
 * graph (seeded by the job seed and the sample's position, so a base model and its candidate are
 * scored on the same graphs and noise), scored by model.eval's shapes analyzer (OOR, relation
 * accuracy, ...), and FID against the validation images in the configured feature space.
 */
final class ModelEvaluator {

  private final JobSettings settings;

  ModelEvaluator(JobSettings settings) {
    this.settings = settings;
  }

  Map<String, Double> evaluate(GraphPaintModel model, List<PreparedDataset.Sample> validation) {
    List<SamplingRequest> requests = new ArrayList<>();
    for (int i = 0; i < validation.size(); i++) {
      requests.add(new SamplingRequest(validation.get(i).graph(), settings.seed() * 1_000_003L + i, 1));
    }
    double guidance = settings.evalGuidance() != null ? settings.evalGuidance() : model.config().sampling().guidanceScale();
    SamplingOptions options = new SamplingOptions(settings.evalSteps(), guidance, 0f, 8);
    List<GeneratedImage> generated;
    try (SceneGraphPipeline pipeline = new SceneGraphPipeline(model)) {
      generated = pipeline.generate(requests, options, (step, total, batch, batches) -> { });
    }
    List<BufferedImage> images = new ArrayList<>();
    for (GeneratedImage image : generated) {
      images.add(decode(image.png()));
    }
    List<String> ids = validation.stream().map(PreparedDataset.Sample::id).toList();
    Evaluation.Result result = Evaluation.evaluateImages(ids, validation.stream().map(PreparedDataset.Sample::graph).toList(), images);
    Map<String, Double> metrics = new LinkedHashMap<>(result.metrics().asMap());
    List<BufferedImage> references = validation.stream().map(PreparedDataset.Sample::image).toList();
    float[][] generatedFeatures;
    float[][] referenceFeatures;
    if ("clip".equals(settings.evalFeatures())) {
      ClipImageFeatures clip = new ClipImageFeatures(model);
      generatedFeatures = clip.features(images);
      referenceFeatures = clip.features(references);
    } else {
      ImageFeatures pixels = new PixelGridFeatures(8);
      generatedFeatures = images.stream().map(pixels::features).toArray(float[][]::new);
      referenceFeatures = references.stream().map(pixels::features).toArray(float[][]::new);
    }
    if (images.size() >= 2) {
      metrics.put(PromotionGate.FID, FrechetDistance.between(generatedFeatures, referenceFeatures));
    }
    return metrics;
  }

  private static BufferedImage decode(byte[] png) {
    try {
      return ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
