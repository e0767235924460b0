package io.graphpaint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.EmbeddedS3;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationFailed;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ImageRef;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.storage.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;

/**
 * Failures the worker must survive without losing or doubling a request, on the embedded stack
 * with the trained model shipped in the repository ({@link TestModels}).
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class WorkerFailoverTest {

  /** Steps of the crash test's requests: enough that a batch of 8 runs for seconds, so a kill lands inside it. */
  private static final int CRASH_STEPS = 20;

  /**
   * Three workers share 24 requests. Two are child JVMs ({@link WorkerMain}, configured only
   * through the environment, as deployed): one is killed with SIGKILL while its progress events
   * show a batch half sampled; the other gets SIGTERM once it has started a batch, and its shutdown hook finishes
   * or hands back its work, commits and leaves the group before the JVM exits. The third, in this
   * JVM, finishes everything. Each request completes exactly once among committed records, every
   * image is stored with its sha256, and the request caught mid-batch in the killed worker is
   * completed by another worker.
   */
  @Test
  void aKilledWorkerAndATerminatedOneLoseNothingAndDoubleNothing(DevStack stack) throws Exception {
    try (WorkerTestBed bed = new WorkerTestBed(stack)) {
      Path model = TestModels.directory("v1");
      Path doomedLog = Files.createTempFile("graphpaint-doomed-worker", ".log");
      Path gracefulLog = Files.createTempFile("graphpaint-graceful-worker", ".log");
      Process doomed = startChild(childSettings(bed, "doomed", model), bed, doomedLog);
      Process graceful = startChild(childSettings(bed, "graceful", model), bed, gracefulLog);
      try {
        GenerationWorker survivor = bed.startWorker(bed.settings("survivor"), model);
        WorkerTestBed.await(() -> groupMembersWithPartitions(stack) == 3, Duration.ofSeconds(180),
            () -> "three workers (two child JVMs, logs " + doomedLog + ", " + gracefulLog + ") each holding partitions");
        List<GenerationRequest> sent = IntStream.range(0, 24).mapToObj(i -> {
          GenerationRequest request = WorkerTestBed.good("crash-" + i, 1);
          request.setSteps(CRASH_STEPS);
          return request;
        }).toList();
        bed.send(sent);
        Set<String> ids = sent.stream().map(GenerationRequest::getRequestId).collect(Collectors.toSet());

        // a child reports progress part-way through a batch: kill it there, without warning
        String caught = awaitMidBatch(bed, "doomed", doomedLog);
        doomed.destroyForcibly().waitFor();
        // the other gets SIGTERM part-way through a batch and must exit by itself
        awaitMidBatch(bed, "graceful", gracefulLog);
        graceful.destroy();
        assertThat(graceful.waitFor(90, TimeUnit.SECONDS)).as("the terminated worker exits (log %s)", gracefulLog).isTrue();
        assertThat(Files.readString(gracefulLog)).as("log of the terminated worker").contains("Worker graceful stopped");

        Map<String, List<GenerationResult>> results = bed.awaitResults(ids, Duration.ofSeconds(240));
        for (String id : ids) {
          assertThat(results.get(id)).as("committed outcomes of %s", id).hasSize(1);
          GenerationCompleted completed = (GenerationCompleted) results.get(id).get(0).getOutcome();
          assertThat(completed.getImages()).hasSize(1);
          for (ImageRef image : completed.getImages()) {
            assertThat(Sha256.hex(bed.store.get(image.getBucket(), image.getKey()))).isEqualTo(image.getSha256());
          }
        }
        GenerationCompleted interrupted = (GenerationCompleted) results.get(caught).get(0).getOutcome();
        assertThat(interrupted.getWorkerId()).as("worker that completed %s, killed mid-batch elsewhere", caught)
            .isNotEqualTo("doomed");
        assertThat(results.values().stream().map(r -> ((GenerationCompleted) r.get(0).getOutcome()).getWorkerId()))
            .contains("survivor");
        survivor.shutdown();
        survivor.shutdown(); // safe twice
      } finally {
        doomed.destroyForcibly().waitFor();
        graceful.destroyForcibly().waitFor();
      }
    }
  }

  private static Map<String, Object> childSettings(WorkerTestBed bed, String workerId, Path model) {
    Map<String, Object> settings = bed.settings(workerId);
    settings.put(WorkerConfig.MODEL_DEFAULT_DIR, model.toString());
    settings.put(WorkerConfig.HTTP_PORT, "0");
    settings.put(WorkerConfig.MODEL_FOLLOW, "false");
    return settings;
  }

  /** Waits for a progress event of {@code workerId} before the last step; returns its request id. */
  private static String awaitMidBatch(WorkerTestBed bed, String workerId, Path log) {
    String[] caught = new String[1];
    WorkerTestBed.await(() -> {
      caught[0] = bed.progressOfWorker(workerId).stream()
          .filter(event -> event.getStep() < event.getTotalSteps())
          .map(event -> event.getRequestId()).findFirst().orElse(null);
      return caught[0] != null;
    }, Duration.ofSeconds(120), () -> "worker " + workerId + " to be part-way through a batch (log " + log + ")");
    return caught[0];
  }

  /** Members of the worker group that hold at least one partition. */
  private static int groupMembersWithPartitions(DevStack stack) {
    try (Admin admin = stack.kafka().createAdmin()) {
      ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("graphpaint-workers"))
          .describedGroups().get("graphpaint-workers").get(10, TimeUnit.SECONDS);
      return (int) group.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
    } catch (Exception e) {
      return 0;
    }
  }

  /** WorkerMain in a child JVM, configured only through the environment, as a deployment runs it. */
  private static Process startChild(Map<String, Object> settings, WorkerTestBed bed, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // the service's own logging (io.graphpaint at INFO), not the tests' quieter logback-test.xml
    ProcessBuilder builder = new ProcessBuilder(java, "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
    Map<String, String> env = builder.environment();
    settings.forEach((key, value) -> env.put(key.toUpperCase(Locale.ROOT).replace('.', '_'), value.toString()));
    env.put(ObjectStoreConfig.ENV_ENDPOINT, bed.stack.s3Endpoint());
    env.put(ObjectStoreConfig.ENV_ACCESS_KEY, bed.stack.s3().accessKey());
    env.put(ObjectStoreConfig.ENV_SECRET_KEY, bed.stack.s3().secretKey());
    env.put("DJL_OFFLINE", "true");
    env.put("OPT_OUT_TRACKING", "true");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  private static boolean startedABatch(WorkerTestBed bed, GenerationWorker worker) {
    return bed.metrics(worker).inFlight() > 0
        && bed.metrics(worker).registry().get("graphpaint.worker.queue.time").timer().count() > 0;
  }

  @Test
  void theObjectStoreDownForTenSecondsUnderLoadLosesNothing(DevStack stack) throws Exception {
    Path data = Files.createTempDirectory("graphpaint-outage-s3");
    EmbeddedS3 s3 = EmbeddedS3.builder().dataDir(data).credentials("outage-access", "outage-secret-key").start();
    int port = s3.port();
    try (WorkerTestBed bed = new WorkerTestBed(stack);
        ObjectStore outageStore = ObjectStore.open(WorkerTestBed.storeConfig(s3.endpoint(), "outage-access", "outage-secret-key"))) {
      outageStore.ensureBuckets();
      GenerationWorker worker = bed.startWorker(bed.settings("outage"), TestModels.directory("v1"), outageStore);
      List<GenerationRequest> before = IntStream.range(0, 4).mapToObj(i -> WorkerTestBed.good("outage-a" + i, 1)).toList();
      List<GenerationRequest> during = IntStream.range(0, 4).mapToObj(i -> WorkerTestBed.good("outage-b" + i, 2)).toList();
      bed.send(before);
      Set<String> firstIds = before.stream().map(GenerationRequest::getRequestId).collect(Collectors.toSet());
      WorkerTestBed.await(() -> !bed.resultsFor(firstIds).isEmpty(), Duration.ofSeconds(120), () -> "a first completion");
      s3.close();
      bed.send(during);
      Thread.sleep(10_000);
      EmbeddedS3 restarted = EmbeddedS3.builder().dataDir(data).port(port).credentials("outage-access", "outage-secret-key").start();
      try {
        Set<String> ids = new java.util.HashSet<>(firstIds);
        during.forEach(request -> ids.add(request.getRequestId()));
        Map<String, List<GenerationResult>> results = bed.awaitResults(ids, Duration.ofSeconds(150));
        for (String id : ids) {
          assertThat(results.get(id)).as("outcomes of %s", id).hasSize(1);
          GenerationCompleted completed = (GenerationCompleted) results.get(id).get(0).getOutcome();
          for (ImageRef image : completed.getImages()) {
            assertThat(Sha256.hex(outageStore.get(image.getBucket(), image.getKey()))).isEqualTo(image.getSha256());
          }
        }
        assertThat(bed.metrics(worker).registry().get("graphpaint.worker.store.retries").counter().count())
            .as("writes retried while the store was down").isPositive();
        worker.shutdown();
      } finally {
        restarted.close();
      }
    }
  }

  /**
   * An object store that starts refusing every write (its credentials rotated under the worker:
   * 403, which retrying does not cure): each request fails with STORAGE_UNAVAILABLE after the
   * configured attempts, with the store's answer in the message, instead of pausing its partition
   * for ever; nothing is stored under the request's keys.
   */
  @Test
  void aStoreThatRefusesWritesFailsRequestsWithStorageUnavailableInsteadOfStalling(DevStack stack) throws Exception {
    Path data = Files.createTempDirectory("graphpaint-refusing-s3");
    EmbeddedS3 s3 = EmbeddedS3.builder().dataDir(data).credentials("refuse-access", "refuse-secret-key").start();
    int port = s3.port();
    try (WorkerTestBed bed = new WorkerTestBed(stack);
        ObjectStore refusing = ObjectStore.open(WorkerTestBed.storeConfig(s3.endpoint(), "refuse-access", "refuse-secret-key"))) {
      Map<String, Object> settings = bed.settings("refused");
      settings.put(WorkerConfig.STORE_REFUSED_ATTEMPTS, "2");
      GenerationWorker worker = bed.startWorker(settings, TestModels.directory("v1"), refusing);
      s3.close();
      EmbeddedS3 rotated = EmbeddedS3.builder().dataDir(data).port(port).credentials("refuse-access", "rotated-secret-key").start();
      try {
        List<GenerationRequest> sent = IntStream.range(0, 6).mapToObj(i -> WorkerTestBed.good("refused-" + i, 1)).toList();
        bed.send(sent);
        Set<String> ids = sent.stream().map(GenerationRequest::getRequestId).collect(Collectors.toSet());
        Map<String, List<GenerationResult>> results = bed.awaitResults(ids, Duration.ofSeconds(120));
        try (ObjectStore admin = ObjectStore.open(WorkerTestBed.storeConfig(rotated.endpoint(), "refuse-access",
            "rotated-secret-key"))) {
          for (String id : ids) {
            assertThat(results.get(id)).as("outcomes of %s", id).hasSize(1);
            assertThat(results.get(id).get(0).getOutcome()).isInstanceOf(GenerationFailed.class);
            GenerationFailed failed = (GenerationFailed) results.get(id).get(0).getOutcome();
            assertThat(failed.getCode()).isEqualTo(FailureCode.STORAGE_UNAVAILABLE);
            assertThat(failed.getRetriable()).isTrue();
            assertThat(failed.getMessage()).contains("images/" + id + "/0.png").contains("2 times").contains("403")
                .contains("credentials");
            assertThat(admin.exists(admin.buckets().images(), "images/" + id + "/0.png")).isFalse();
          }
        }
        assertThat(bed.metrics(worker).registry().get("graphpaint.worker.failures").tag("code", "STORAGE_UNAVAILABLE")
            .counter().count()).isEqualTo(6.0);
        worker.shutdown();
      } finally {
        rotated.close();
      }
    }
  }
}
