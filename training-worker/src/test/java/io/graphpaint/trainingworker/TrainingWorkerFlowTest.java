package io.graphpaint.trainingworker;

import io.graphpaint.service.HealthServer;
import static io.graphpaint.trainingworker.TrainingFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.TrainingState;
import io.graphpaint.events.TrainingStatus;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.data.ShapesWorld;
import io.graphpaint.model.sampling.GeneratedImage;
import io.graphpaint.model.sampling.SamplingOptions;
import io.graphpaint.model.sampling.SamplingRequest;
import io.graphpaint.model.sampling.SceneGraphPipeline;
import io.graphpaint.schemas.Topic;
import io.graphpaint.storage.DirectoryTransfer;
import io.graphpaint.storage.ObjectKeys;
import io.graphpaint.storage.S3Uri;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The training worker on the embedded stack: bad updates fail with a readable message and do not
 * stop the partition, a good shapes update becomes a published version whose metrics are in the
 * event and whose artifacts load, a burst of one dataset trains once, and EXTEND grows the
 * vocabulary where REJECT refuses. Budgets scaled down: tiny model, 16 steps (8 + 8), batch 4,
 * 4 validation graphs at 5 DDIM steps.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class TrainingWorkerFlowTest {

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

  private TrainingFixture fixture;
  private TrainingWorker worker;
  private HealthServer http;
  private PrometheusMeterRegistry meters;

  @BeforeEach
  void start(DevStack stack) throws Exception {
    fixture = new TrainingFixture(stack);
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TrainingWorkerConfig config = TrainingWorkerConfig.from(fixture.workerProperties("flow-worker", 16), Map.of());
    worker = new TrainingWorker(config, fixture.store, fixture.registry, new TrainingMetrics(meters));
    worker.start();
    http = new HealthServer("training", 0, worker::isReady, worker::describe, meters);
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    if (worker != null) {
      worker.shutdown();
    }
    fixture.close();
  }

  @Test
  void badUpdatesFailReadablyAndTheNextGoodOneIsPublished() throws Exception {
    String manifest = fixture.writeShapesDataset("shapes-a", "v1", 11, 24, 4);
    try (TrainingFixture.TopicReader<TrainingStatus> statuses = fixture.reader(Topic.TRAINING);
        TrainingFixture.TopicReader<ModelPublished> models = fixture.reader(Topic.MODELS)) {
      long sent = System.nanoTime();
      fixture.send("flow-a", "broken", "v1", "s3://graphpaint-datasets/datasets/broken/v1/manifest.jsonl",
          DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);
      fixture.sendRaw("garbage", "not avro".getBytes(StandardCharsets.UTF_8));
      fixture.send("flow-a", "odd-format", "v1", manifest, DatasetFormat.UNKNOWN, UnknownLabelPolicy.REJECT);
      fixture.send("flow-a", "shapes-a", "v1", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);

      TrainingStatus missing = statuses.await(state("broken", "v1", TrainingState.FAILED), JOB_TIMEOUT).value();
      assertThat(missing.getMessage()).contains("manifest s3://graphpaint-datasets/datasets/broken/v1/manifest.jsonl",
          "does not exist");
      TrainingStatus garbage = statuses.await(s -> s.getDatasetId().equals("garbage"), JOB_TIMEOUT).value();
      assertThat(garbage.getState()).isEqualTo(TrainingState.FAILED);
      assertThat(garbage.getMessage()).contains("is not a DatasetUpdate");
      TrainingStatus format = statuses.await(state("odd-format", "v1", TrainingState.FAILED), JOB_TIMEOUT).value();
      assertThat(format.getMessage()).contains("format UNKNOWN is not supported", "SYNTHETIC_SHAPES", "VISUAL_GENOME");

      TrainingStatus done = statuses.await(state("shapes-a", "v1", TrainingState.PUBLISHED), JOB_TIMEOUT).value();
      double secondsToPublished = (System.nanoTime() - sent) / 1e9;
      String version = VersionNames.modelVersion("shapes-a", "v1");
      assertThat(done.getModelVersion()).isEqualTo(version);
      ModelPublished published = models.await(m -> m.getVersion().equals(version), JOB_TIMEOUT).value();
      System.out.printf("update -> published version: %.1f s%n", secondsToPublished);

      // progress: RUNNING statuses of both stages with losses, rising steps and an ETA
      List<TrainingStatus> running = statuses.values().stream()
          .filter(s -> s.getDatasetId().equals("shapes-a") && s.getState() == TrainingState.RUNNING && s.getStage() != null
              && !s.getStage().startsWith("evaluate"))
          .toList();
      assertThat(running).extracting(TrainingStatus::getStage).contains("align", "finetune");
      assertThat(running).extracting(TrainingStatus::getStep).isSorted().contains(16);
      assertThat(running).allSatisfy(s -> {
        assertThat(s.getLosses()).containsKey("loss");
        assertThat(s.getEtaMs()).isNotNull();
        assertThat(s.getTotalSteps()).isEqualTo(16);
      });

      // the event carries the benchmark metrics and the gate's decision on them
      Map<String, Double> metrics = published.getMetrics();
      assertThat(metrics).containsKeys("oor", "relation_accuracy", "fid", "base_relation_accuracy", "base_fid", "steps");
      assertThat(metrics.get("steps")).isEqualTo(16.0);
      assertThat(metrics.get("oor")).isBetween(0.0, 1.0);
      Map<String, Double> base = new HashMap<>();
      base.put("relation_accuracy", metrics.get("base_relation_accuracy"));
      base.put("fid", metrics.get("base_fid"));
      assertThat(published.getPromoted()).isEqualTo(new PromotionGate(0.02, 0.10).decide(metrics, base).promote());
      assertThat(published.getBaseVersion()).isEqualTo("default");
      assertThat(published.getDatasetVersion()).isEqualTo("shapes-a/v1");
      assertThat(published.getArtifactUri())
          .isEqualTo("s3://graphpaint-models/" + ObjectKeys.modelVersionPrefix("flow-a", version));

      // the artifacts load with the checkpoint loader and sample
      S3Uri artifacts = S3Uri.parse(published.getArtifactUri());
      Path local = fixture.scratch.resolve("downloaded");
      new DirectoryTransfer(fixture.store).download(artifacts.bucket(), artifacts.key(), local);
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = ModelDirectory.load(local, manager);
          SceneGraphPipeline pipeline = new SceneGraphPipeline(model)) {
        assertThat(model.vocabulary()).isEqualTo(ShapesWorld.vocabulary());
        List<GeneratedImage> images = pipeline.generate(
            List.of(new SamplingRequest(io.graphpaint.model.data.SceneGraphJson.read(
                "{\"objects\": [\"red circle\", \"blue square\"], \"relationships\": [[0, \"left of\", 1]]}"), 1, 1)),
            new SamplingOptions(3, 1.0, 0f, 1), (s, t, b, n) -> { });
        assertThat(images).hasSize(1);
        assertThat(images.get(0).width()).isEqualTo(32);
      }
      // the job's checkpoints are gone once the version is published
      String job = VersionNames.job("flow-a", "shapes-a", "v1");
      assertThat(fixture.store.list("graphpaint-models", ObjectKeys.checkpointJobPrefix(job))).isEmpty();

      // service endpoints
      HttpClient client = HttpClient.newHttpClient();
      String base0 = "http://127.0.0.1:" + http.port();
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base0 + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base0 + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      String scrape = client.send(HttpRequest.newBuilder(URI.create(base0 + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(scrape).contains("graphpaint_training_published_total 1.0",
          "graphpaint_training_failed_total{reason=\"bad_update\"} 3.0", "graphpaint_training_loss{term=\"loss\"}");
    }
  }

  @Test
  void aBurstOfOneDatasetTrainsOnceOnTheNewestAndExtendGrowsTheVocabulary() throws Exception {
    String manifest = fixture.writeShapesDataset("shapes-b", "v2", 12, 24, 4);
    // a copy of the dataset whose first label is renamed to one the vocabulary lacks
    String label = ShapesWorld.labels().get(0);
    String renamed = new String(fixture.store.get("graphpaint-datasets", ObjectKeys.datasetFile("shapes-b", "v2",
        "manifest.jsonl")), StandardCharsets.UTF_8).replace(label, "ultraviolet blob");
    assertThat(renamed).contains("ultraviolet blob");
    fixture.store.put("graphpaint-datasets", ObjectKeys.datasetFile("shapes-b", "v2", "renamed.jsonl"),
        renamed.getBytes(StandardCharsets.UTF_8), "application/x-ndjson", Map.of());
    String renamedUri = "s3://graphpaint-datasets/" + ObjectKeys.datasetFile("shapes-b", "v2", "renamed.jsonl");
    try (TrainingFixture.TopicReader<TrainingStatus> statuses = fixture.reader(Topic.TRAINING);
        TrainingFixture.TopicReader<ModelPublished> models = fixture.reader(Topic.MODELS)) {
      // v1 names a manifest that does not exist: were it trained it would fail, superseded it is not read
      fixture.send("flow-b", "shapes-b", "v1", "s3://graphpaint-datasets/datasets/shapes-b/v1/manifest.jsonl",
          DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);
      fixture.send("flow-b", "shapes-b", "v2", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);
      fixture.send("flow-b", "labels-rejected", "v1", renamedUri, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);

      TrainingStatus superseded = statuses.await(state("shapes-b", "v1", TrainingState.SUPERSEDED), JOB_TIMEOUT).value();
      assertThat(superseded.getMessage()).contains("superseded by version v2");
      TrainingStatus rejected = statuses.await(state("labels-rejected", "v1", TrainingState.FAILED), JOB_TIMEOUT).value();
      assertThat(rejected.getMessage()).contains("'ultraviolet blob'", "unknownLabelPolicy EXTEND", "known: '" + label + "'");
      statuses.await(state("shapes-b", "v2", TrainingState.PUBLISHED), JOB_TIMEOUT);

      fixture.send("flow-b", "labels-extended", "v1", renamedUri, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.EXTEND);
      statuses.await(state("labels-extended", "v1", TrainingState.PUBLISHED), JOB_TIMEOUT);
      String version = VersionNames.modelVersion("labels-extended", "v1");
      ModelPublished extended = models.await(m -> m.getVersion().equals(version), JOB_TIMEOUT).value();
      assertThat(extended.getMetrics().get("vocabulary_added")).isEqualTo(1.0);
      S3Uri artifacts = S3Uri.parse(extended.getArtifactUri());
      Path local = fixture.scratch.resolve("extended");
      new DirectoryTransfer(fixture.store).download(artifacts.bucket(), artifacts.key(), local);
      try (NDManager manager = NDManager.newBaseManager(); GraphPaintModel model = ModelDirectory.load(local, manager)) {
        assertThat(model.vocabulary().hasObject("ultraviolet blob")).isTrue();
        assertThat(model.vocabulary().objectIndex("ultraviolet blob")).isEqualTo(ShapesWorld.vocabulary().numObjectIds());
        assertThat(model.vocabulary().objectIndex(ShapesWorld.labels().get(5))).isEqualTo(
            ShapesWorld.vocabulary().objectIndex(ShapesWorld.labels().get(5)));
      }

      statuses.drain(Duration.ofSeconds(1));
      assertThat(statuses.values()).noneMatch(s -> s.getDatasetId().equals("shapes-b") && s.getDatasetVersion().equals("v1")
          && (s.getState() == TrainingState.RUNNING || s.getState() == TrainingState.PUBLISHED));
      assertThat(models.values()).noneMatch(m -> m.getVersion().equals(VersionNames.modelVersion("shapes-b", "v1")));
    }
  }
}
