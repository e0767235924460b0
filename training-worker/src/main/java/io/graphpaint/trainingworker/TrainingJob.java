package io.graphpaint.trainingworker;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.graph.GraphEncoderConfig;
import io.graphpaint.model.train.OptimizerConfig;
import io.graphpaint.model.train.ProgressListener;
import io.graphpaint.model.train.StageCheckpoints;
import io.graphpaint.model.train.StageConfig;
import io.graphpaint.model.train.StageKind;
import io.graphpaint.model.train.StageTrainer;
import io.graphpaint.model.train.TrainRecipe;
import io.graphpaint.model.train.TrainingConfig;
import io.graphpaint.model.train.TrainingData;
import io.graphpaint.model.train.TrainingLoop;
import io.graphpaint.model.train.TrainingProgress;
import io.graphpaint.storage.DirectoryTransfer;
import io.graphpaint.storage.Ids;
import io.graphpaint.storage.ObjectKeys;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectSummary;
import io.graphpaint.storage.S3Uri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one dataset update into a model version, with no Kafka in sight: read the dataset, load
 * the base model (growing its vocabulary under EXTEND), score the base on the validation split,
 * run stage 1 (alignment) and stage 2 (fine-tuning) with model.train's loops within the step and
 * wall-time budgets, checkpointing to the object store, score the candidate, decide promotion and
 * upload the model directory to {@code models/{name}/{version}/}.
 *
 * <p>Restartable: the base model, vocabulary and baseline scores are pinned in
 * {@code checkpoints/{job}/} on first start, and a rerun continues from the newest complete
 * checkpoint there, so a job killed at any point ends in the same version.
 */
public final class TrainingJob {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOB_RECORD = "job.json";
  private static final String BASELINE_RECORD = "baseline.json";

  /** The model a job starts from. */
  public record BaseModel(String version, String artifactUri) {}

  /** What the job made. */
  public record Outcome(
      String modelName, String version, String artifactUri, String baseVersion, Map<String, Double> metrics,
      boolean promoted, List<String> gateReasons, long stepsDone, long resumedFromStep) {}

  /** Progress reports to the service (status events, metrics). */
  public interface Listener {
    /** @param stage align, finetune or evaluate */
    void progress(String stage, long step, long totalSteps, Map<String, Float> losses, Duration remaining,
        double millisPerStep);
  }

  /** Thrown out of {@link #run} when the stop signal ended training before the budget did. */
  public static final class Cancelled extends RuntimeException {
    Cancelled(String message) {
      super(message);
    }
  }

  /**
   * DJL's PyTorch engine allows one open GradientCollector per process, so training jobs of
   * several workers in one JVM (tests, benchmarks) take turns; one worker per JVM never waits.
   */
  private static final java.util.concurrent.locks.ReentrantLock GRADIENTS = new java.util.concurrent.locks.ReentrantLock();

  private final ObjectStore store;
  private final JobSettings settings;
  private final Path workRoot;

  public TrainingJob(ObjectStore store, JobSettings settings, Path workRoot) {
    this.store = store;
    this.settings = settings;
    this.workRoot = workRoot;
  }

  /**
   * @param update the dataset update (already validated ids)
   * @param currentBase the model to start from if the job is new
   * @param cancel answers true when the job must stop (revocation, shutdown); checked every step
   */
  public Outcome run(DatasetUpdate update, BaseModel currentBase, Listener listener, BooleanSupplier cancel) {
    String modelName = update.getModelName();
    String version = VersionNames.modelVersion(update.getDatasetId(), update.getVersion());
    String job = VersionNames.job(modelName, update.getDatasetId(), update.getVersion());
    String bucket = store.buckets().models();
    RemoteCheckpoints remote = new RemoteCheckpoints(store, bucket, job, settings.checkpointKeep());
    Path work = workRoot.resolve(job);
    deleteRecursively(work); // local state is a cache of the object store: start it clean
    BaseModel base = pinBase(remote, currentBase);
    TrainingLoop.noGradientRecording(); // this thread samples too: no autograd graphs
    Engine.getInstance().setRandomSeed((int) settings.seed());
    try (NDManager manager = NDManager.newBaseManager();
        GraphPaintModel baseModel = ModelDirectory.load(localModel(base, work.resolve("base")), manager)) {
      PreparedDataset dataset = new DatasetReader(store).read(update, baseModel.vocabulary(),
          baseModel.config().unet().sampleSize(), settings);
      LOG.info("Job {}: {} training and {} validation samples from {}, base {}{}", job, dataset.train().size(),
          dataset.validation().size(), update.getManifestUri(), base.version(),
          dataset.addedLabels().isEmpty() ? "" : ", vocabulary grown by " + dataset.addedLabels());
      try (GraphPaintModel model = dataset.addedLabels().isEmpty() ? null : grow(baseModel, dataset.vocabulary(), manager)) {
        GraphPaintModel training = model == null ? baseModel : model;
        ModelEvaluator evaluator = new ModelEvaluator(settings);
        Map<String, Double> baseline = baseline(remote, training, dataset, evaluator, listener);
        Progress progress;
        acquireGradients(cancel, remote.job());
        try {
          progress = train(training, dataset, remote, work, listener, cancel, manager);
        } finally {
          GRADIENTS.unlock();
        }
        listener.progress("evaluate", 0, 1, Map.of(), Duration.ZERO, 0);
        Map<String, Double> metrics = new LinkedHashMap<>(evaluator.evaluate(training, dataset.validation()));
        PromotionGate.Decision decision = settings.gate().decide(metrics, baseline);
        baseline.forEach((name, value) -> metrics.put("base_" + name, value));
        metrics.put("train_samples", (double) dataset.train().size());
        metrics.put("validation_samples", (double) dataset.validation().size());
        metrics.put("steps", (double) progress.stepsDone);
        metrics.put("steps_planned", (double) settings.maxSteps());
        metrics.put("training_seconds", progress.trainingMillis / 1000.0);
        metrics.put("budget_exhausted", progress.budgetExhausted ? 1.0 : 0.0);
        metrics.put("vocabulary_added", (double) dataset.addedLabels().size());
        metrics.put("skipped_steps", (double) progress.skippedSteps);
        progress.finalLosses.forEach((name, value) -> {
          if (Double.isFinite(value) && !name.equals("gradNorm")) {
            metrics.put("loss_" + name, value);
          }
        });
        Path directory = work.resolve("model");
        Map<String, Object> recorded = new LinkedHashMap<>(metrics);
        recorded.put("promoted", decision.promote());
        recorded.put("gateReasons", decision.reasons());
        recorded.put("baseVersion", base.version());
        recorded.put("dataset", update.getDatasetId() + "/" + update.getVersion());
        ModelDirectory.save(training, directory, JSON.valueToTree(trainingRecord(update, base, dataset)), recorded);
        String artifactUri = upload(directory, bucket, modelName, version);
        LOG.info("Job {}: version {} at {} ({}), metrics {}", job, version, artifactUri,
            decision.promote() ? "promoted" : "not promoted: " + decision.reasons(), metrics);
        return new Outcome(modelName, version, artifactUri, base.version(), metrics, decision.promote(),
            decision.reasons(), progress.stepsDone, progress.resumedFrom);
      }
    } finally {
      deleteRecursively(work);
    }
  }

  private static void acquireGradients(BooleanSupplier cancel, String job) {
    try {
      while (!GRADIENTS.tryLock(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (cancel.getAsBoolean()) {
          throw new Cancelled("job " + job + " stopped before it began training");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancelled("job " + job + " interrupted before it began training");
    }
  }

  /** Deletes the job's checkpoints (call once its version is published). */
  public void cleanUp(DatasetUpdate update) {
    String job = VersionNames.job(update.getModelName(), update.getDatasetId(), update.getVersion());
    new RemoteCheckpoints(store, store.buckets().models(), job, settings.checkpointKeep()).deleteAll();
  }

  /** The base recorded by the first run of the job, else {@code current} (then recorded). */
  private static BaseModel pinBase(RemoteCheckpoints remote, BaseModel current) {
    Optional<byte[]> recorded = remote.readRecord(JOB_RECORD);
    if (recorded.isPresent()) {
      try {
        var node = JSON.readTree(recorded.get());
        return new BaseModel(node.path("baseVersion").asText(), node.path("baseArtifactUri").asText());
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable " + JOB_RECORD + " of job " + remote.job(), e);
      }
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("baseVersion", current.version());
    node.put("baseArtifactUri", current.artifactUri());
    remote.writeRecord(JOB_RECORD, node.toString().getBytes(StandardCharsets.UTF_8));
    return current;
  }

  private Map<String, Double> baseline(RemoteCheckpoints remote, GraphPaintModel model, PreparedDataset dataset,
      ModelEvaluator evaluator, Listener listener) {
    Optional<byte[]> recorded = remote.readRecord(BASELINE_RECORD);
    try {
      if (recorded.isPresent()) {
        return JSON.readValue(recorded.get(), new TypeReference<LinkedHashMap<String, Double>>() { });
      }
      listener.progress("evaluate-base", 0, 1, Map.of(), Duration.ZERO, 0);
      Map<String, Double> metrics = evaluator.evaluate(model, dataset.validation());
      remote.writeRecord(BASELINE_RECORD, JSON.writeValueAsBytes(metrics));
      return metrics;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How training went. */
  private static final class Progress {
    long stepsDone;
    long resumedFrom;
    long trainingMillis;
    boolean budgetExhausted;
    long skippedSteps;
    Map<String, Double> finalLosses = new LinkedHashMap<>();
  }

  private Progress train(GraphPaintModel model, PreparedDataset dataset, RemoteCheckpoints remote, Path work,
      Listener listener, BooleanSupplier cancel, NDManager manager) {
    TrainingData data = TrainingData.of(
        dataset.train().stream().map(PreparedDataset.Sample::image).toList(),
        dataset.train().stream().map(PreparedDataset.Sample::graph).toList(),
        dataset.train().stream().map(PreparedDataset.Sample::caption).toList(),
        dataset.vocabulary());
    TrainingConfig config = trainingConfig();
    int alignmentSteps = settings.alignmentSteps();
    Progress progress = new Progress();
    Optional<RemoteCheckpoints.Found> found = remote.latest();
    long previousMillis = found.map(RemoteCheckpoints.Found::trainingMillis).orElse(0L);
    long started = System.nanoTime();
    java.util.function.LongSupplier trainingMillis = () -> previousMillis + (System.nanoTime() - started) / 1_000_000;
    boolean resumeInFineTuning = found.isPresent() && found.get().stage().equals(StageKind.FINE_TUNING.id());
    long stageOneDone = resumeInFineTuning ? alignmentSteps : 0;
    progress.resumedFrom = found.map(RemoteCheckpoints.Found::globalStep).orElse(0L);
    if (found.isPresent()) {
      LOG.info("Job {}: resuming from checkpoint at step {} ({} step {})", remote.job(), found.get().globalStep(),
          found.get().stage(), found.get().stageStep());
    }
    for (StageKind kind : List.of(StageKind.ALIGNMENT, StageKind.FINE_TUNING)) {
      int steps = config.stage(kind).steps();
      long offset = kind == StageKind.ALIGNMENT ? 0 : alignmentSteps;
      if (steps == 0 || (kind == StageKind.ALIGNMENT && resumeInFineTuning)) {
        continue;
      }
      Path stageDirectory = work.resolve("stages").resolve(kind.id());
      StageCheckpoints checkpoints = new StageCheckpoints(stageDirectory, 1,
          (stage, step, directory) -> remote.upload(directory, offset + step, stage, step, trainingMillis.getAsLong()));
      if (found.isPresent() && found.get().stage().equals(kind.id())) {
        remote.download(found.get().globalStep(), checkpoints.stepDirectory(found.get().stageStep()));
        writeLatest(stageDirectory, found.get().stageStep());
      }
      // the stage's share of the wall-time budget ends here (stage 1 gets its fraction, stage 2 the rest)
      double share = kind == StageKind.ALIGNMENT ? settings.alignmentFraction() : 1.0;
      long deadlineMillis = (long) (settings.maxWallTime().toMillis() * share);
      boolean[] outOfTime = new boolean[1];
      BooleanSupplier stop = () -> {
        if (cancel.getAsBoolean()) {
          return true;
        }
        outOfTime[0] = trainingMillis.getAsLong() >= deadlineMillis;
        return outOfTime[0];
      };
      String stageName = kind == StageKind.ALIGNMENT ? "align" : "finetune";
      ProgressListener report = p -> {
        if (p.step() % settings.progressEvery() == 0 || p.step() == p.totalSteps()) {
          listener.progress(stageName, offset + p.step(), settings.maxSteps(), p.losses(),
              remaining(p, kind, alignmentSteps), p.millisPerStep());
        }
      };
      try (StageTrainer session = new StageTrainer(kind, model, data, config, manager)) {
        TrainingLoop.Result result = session.loop(checkpoints, List.of(report)).run(manager, steps, stop);
        if (cancel.getAsBoolean()) {
          throw new Cancelled("job " + remote.job() + " stopped at " + kind.id() + " step " + result.lastStep());
        }
        session.finish();
        // a job resumed in stage 2 counts stage 1 as planned (its checkpoint does not say where a budget cut it)
        progress.stepsDone = (kind == StageKind.ALIGNMENT ? 0 : stageOneDone) + result.lastStep();
        if (kind == StageKind.ALIGNMENT) {
          stageOneDone = result.lastStep();
        }
        progress.budgetExhausted |= outOfTime[0] && result.lastStep() < steps;
        progress.skippedSteps += result.skippedSteps();
        if (!result.losses().isEmpty()) {
          progress.finalLosses = TrainRecipe.meanOfLast(result.losses(), 10);
        }
      }
    }
    progress.trainingMillis = trainingMillis.getAsLong();
    return progress;
  }

  private Duration remaining(TrainingProgress p, StageKind kind, int alignmentSteps) {
    long left = p.totalSteps() - p.step() + (kind == StageKind.ALIGNMENT ? settings.fineTuningSteps() : 0);
    return Duration.ofMillis((long) (left * p.millisPerStep()));
  }

  private TrainingConfig trainingConfig() {
    return trainingConfig(settings);
  }

  /** Stages 0a and 0b off; stages 1 and 2 with the job's budget split, batch, learning rate and EMA. */
  static TrainingConfig trainingConfig(JobSettings settings) {
    OptimizerConfig optimizer = OptimizerConfig.adam(settings.learningRate())
        .withWarmupSteps(Math.min(100, settings.maxSteps() / 10));
    int fineTuning = settings.fineTuningSteps();
    // the EMA horizon (1 / (1 - decay)) at about a tenth of the stage, so a short fine-tune is not averaged away
    double emaDecay = fineTuning >= 100 ? Math.min(0.999, 1 - 10.0 / fineTuning) : 0;
    TrainingConfig defaults = TrainingConfig.defaults(settings.seed());
    return defaults
        .withStage(StageKind.CLIP_PRETRAINING, defaults.clipPretraining().withSteps(0))
        .withStage(StageKind.TEXT_TO_IMAGE, defaults.textToImage().withSteps(0))
        .withStage(StageKind.ALIGNMENT, new StageConfig(settings.alignmentSteps(), settings.batchSize(), optimizer, 0,
            settings.checkpointEvery()))
        .withStage(StageKind.FINE_TUNING, new StageConfig(fineTuning, settings.batchSize(), optimizer, emaDecay,
            settings.checkpointEvery()));
  }

  private Map<String, Object> trainingRecord(DatasetUpdate update, BaseModel base, PreparedDataset dataset) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("config", trainingConfig());
    record.put("dataset", Map.of("id", update.getDatasetId(), "version", update.getVersion(),
        "manifestUri", update.getManifestUri(), "format", update.getFormat().name()));
    record.put("baseVersion", base.version());
    record.put("addedLabels", dataset.addedLabels());
    return record;
  }

  /**
   * {@code base} with a grown vocabulary: every weight copied, the graph encoder's object and
   * predicate embedding tables copied into the first rows of the larger tables (new rows keep
   * their fresh initialisation).
   */
  static GraphPaintModel grow(GraphPaintModel base, Vocabulary vocabulary, NDManager manager) {
    ModelConfig config = base.config();
    GraphEncoderConfig encoder = config.graphEncoder();
    GraphEncoderConfig grown = new GraphEncoderConfig(vocabulary.numObjectIds(), vocabulary.numPredicateIds(),
        encoder.embedDim(), encoder.hiddenDim(), encoder.graphNetLayers(), encoder.maxTriplesPerGraph(),
        encoder.maxObjectsPerGraph());
    ModelConfig grownConfig = new ModelConfig(config.clip(), grown, config.unet(), config.fusion(),
        config.noiseSchedule(), config.discriminator(), config.sampling());
    GraphPaintModel model = GraphPaintModel.create(grownConfig, vocabulary, base.tokenizerJson(), manager);
    Map<String, Parameter> from = base.parameters().all();
    for (Map.Entry<String, Parameter> entry : model.parameters().all().entrySet()) {
      Parameter source = from.get(entry.getKey());
      if (source == null) {
        continue;
      }
      NDArray target = entry.getValue().getArray();
      NDArray values = source.getArray();
      if (values.getShape().equals(target.getShape())) {
        values.copyTo(target);
      } else if (values.getShape().dimension() == 2 && values.getShape().get(1) == target.getShape().get(1)
          && values.getShape().get(0) <= target.getShape().get(0)) {
        target.set(new NDIndex("0:{}", values.getShape().get(0)), values);
      } else {
        model.close();
        throw new IllegalStateException("cannot grow " + entry.getKey() + " from " + values.getShape() + " to "
            + target.getShape());
      }
    }
    return model;
  }

  private static void writeLatest(Path stageDirectory, long step) {
    try {
      Files.createDirectories(stageDirectory);
      Files.writeString(stageDirectory.resolve("latest"), Long.toString(step));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base model as a local directory: downloaded when it lives in the object store. */
  private Path localModel(BaseModel base, Path target) {
    String uri = base.artifactUri();
    if (uri.startsWith(S3Uri.SCHEME)) {
      S3Uri parsed = S3Uri.parse(uri);
      String prefix = parsed.key().endsWith("/") ? parsed.key() : parsed.key() + "/";
      if (new DirectoryTransfer(store).download(parsed.bucket(), prefix, target).isEmpty()) {
        throw new IllegalStateException("base model " + base.version() + " has no objects under " + uri);
      }
      return target;
    }
    return uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
  }

  /**
   * Uploads the model directory. Objects already under the version's prefix are leftovers of a run
   * that died before publishing (nobody serves an unpublished version): they are replaced.
   */
  private String upload(Path directory, String bucket, String modelName, String version) {
    String prefix = ObjectKeys.modelVersionPrefix(Ids.requireValid("modelName", modelName), version);
    for (ObjectSummary leftover : store.list(bucket, prefix)) {
      store.delete(bucket, leftover.key());
    }
    new DirectoryTransfer(store).upload(directory, bucket, prefix);
    return "s3://" + bucket + "/" + prefix;
  }

  static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + directory, e);
    }
  }
}
