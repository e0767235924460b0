package io.graphpaint.trainingworker;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.graphpaint.devstack.DevStack;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.TrainingState;
import io.graphpaint.events.TrainingStatus;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.train.StageKind;
import io.graphpaint.model.train.StageTrainer;
import io.graphpaint.model.train.TrainingConfig;
import io.graphpaint.model.train.TrainingData;
import io.graphpaint.schemas.Topic;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Measures, on the embedded stack, the time from a dataset update to its published version, and
 * the training steps per second inside the worker (Kafka status events, object-store checkpoints)
 * against the same two stages run directly with model.train's loop (no checkpoints, no events) on
 * the same data, model and settings. The direct run goes before and after the worker run; the one
 * before also absorbs the JVM's and libtorch's warm-up (and the stack's start), so the run after
 * is the fair reference.
 *
 * <pre>TrainingWorkerBenchmark [steps=60] [trainSamples=64] [checkpointEvery=10]</pre>
 */
public final class TrainingWorkerBenchmark {

  private TrainingWorkerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int trainSamples = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int checkpointEvery = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    try (DevStack stack = DevStack.start(); TrainingFixture fixture = new TrainingFixture(stack)) {
      String manifest = fixture.writeShapesDataset("bench", "v1", 5, trainSamples, 8);
      Map<String, Object> props = fixture.workerProperties("bench-worker", steps);
      props.put(TrainingWorkerConfig.BATCH_SIZE, "8");
      props.put(TrainingWorkerConfig.CHECKPOINT_EVERY, Integer.toString(checkpointEvery));
      props.put(TrainingWorkerConfig.PROGRESS_EVERY, "1");
      props.put(TrainingWorkerConfig.EVAL_SAMPLES, "8");
      props.put(TrainingWorkerConfig.EVAL_STEPS, "10");
      props.put(TrainingWorkerConfig.COALESCE_WINDOW_MS, "0");
      TrainingWorkerConfig config = TrainingWorkerConfig.from(props, Map.of());
      JobSettings settings = config.jobSettings();

      DatasetUpdate update = DatasetUpdate.newBuilder().setDatasetId("bench").setVersion("v1").setManifestUri(manifest)
          .setFormat(DatasetFormat.SYNTHETIC_SHAPES).setSampleCount(trainSamples).setModelName("bench")
          .setUnknownLabelPolicy(UnknownLabelPolicy.REJECT).setSubmittedAt(Instant.now()).build();
      double directBefore = direct(fixture, update, settings);

      TrainingWorker worker = new TrainingWorker(config, fixture.store, fixture.registry,
          new TrainingMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
      worker.start();
      double secondsToPublished;
      ModelPublished published;
      try (TrainingFixture.TopicReader<TrainingStatus> statuses = fixture.reader(Topic.TRAINING);
          TrainingFixture.TopicReader<ModelPublished> models = fixture.reader(Topic.MODELS)) {
        statuses.drain(Duration.ofSeconds(3)); // let the worker join its group first
        long sent = System.nanoTime();
        fixture.send("bench", "bench", "v1", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);
        statuses.await(TrainingFixture.state("bench", "v1", TrainingState.PUBLISHED), Duration.ofMinutes(30));
        secondsToPublished = (System.nanoTime() - sent) / 1e9;
        published = models.await(m -> m.getModelName().equals("bench"), Duration.ofMinutes(1)).value();
      } finally {
        worker.shutdown();
      }
      double directAfter = direct(fixture, update, settings);

      double workerMillisPerStep = published.getMetrics().get("training_seconds") * 1000 / steps;
      double directMillisPerStep = (directBefore + directAfter) / 2;
      System.out.println();
      System.out.printf("graphpaint training worker benchmark: tiny model, %d steps (%d + %d), batch %d, %d training samples,"
              + " checkpoint every %d steps, %d validation graphs at %d DDIM steps%n",
          steps, settings.alignmentSteps(), settings.fineTuningSteps(), settings.batchSize(), trainSamples,
          checkpointEvery, settings.evalSamples(), settings.evalSteps());
      System.out.printf("update -> published version:        %8.1f s%n", secondsToPublished);
      System.out.printf("training inside the worker:         %8.1f ms/step  (%.2f steps/s)%n",
          workerMillisPerStep, 1000 / workerMillisPerStep);
      System.out.printf("same stages run directly:           %8.1f ms/step  (%.2f steps/s; before %.1f, after %.1f)%n",
          directMillisPerStep, 1000 / directMillisPerStep, directBefore, directAfter);
      System.out.printf("overhead ratio (worker / direct):   %8.3f  (against the warm direct run after the worker: %.3f)%n",
          workerMillisPerStep / directMillisPerStep, workerMillisPerStep / directAfter);
      System.out.printf("training share of update->published: %7.1f %%%n",
          100 * published.getMetrics().get("training_seconds") / secondsToPublished);
    }
  }

  /**
   * Mean ms per step of stages 1 and 2 run directly, from the same base model and data, on a
   * thread of its own as the worker's jobs are.
   */
  private static double direct(TrainingFixture fixture, DatasetUpdate update, JobSettings settings) throws Exception {
    java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      return thread.submit(() -> directOnThisThread(fixture, update, settings)).get();
    } finally {
      thread.shutdown();
    }
  }

  private static double directOnThisThread(TrainingFixture fixture, DatasetUpdate update, JobSettings settings) {
    TrainingConfig config = TrainingJob.trainingConfig(settings);
    Engine.getInstance().setRandomSeed((int) settings.seed());
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel model = ModelDirectory.load(fixture.defaultModel, manager)) {
      PreparedDataset dataset = new DatasetReader(fixture.store).read(update, model.vocabulary(),
          model.config().unet().sampleSize(), settings);
      TrainingData data = TrainingData.of(
          dataset.train().stream().map(PreparedDataset.Sample::image).toList(),
          dataset.train().stream().map(PreparedDataset.Sample::graph).toList(),
          dataset.train().stream().map(PreparedDataset.Sample::caption).toList(),
          dataset.vocabulary());
      long started = System.nanoTime();
      for (StageKind kind : List.of(StageKind.ALIGNMENT, StageKind.FINE_TUNING)) {
        try (StageTrainer session = new StageTrainer(kind, model, data, config, manager)) {
          session.loop(null, List.of()).run(manager);
          session.finish();
        }
      }
      return (System.nanoTime() - started) / 1e6 / settings.maxSteps();
    }
  }
}
