package io.graphpaint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.EmbeddedS3;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ImageRef;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Failures the worker must survive without losing or doubling a request, on the embedded stack
 * with the real pipeline over tiny randomly initialised model directories ({@link TestModels}).
 * Scaled for a loaded 2-core machine: 24 requests for the crash, 8 for the storage outage.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class WorkerFailoverTest {

  /**
   * Three workers share the requests; mid-batch one is halted as a crash would stop it (nothing
   * committed, clients closed without leaving the group) and one is shut down gracefully (its
   * running batch finishes and commits, its queue is handed back, it leaves the group). The third
   * finishes everything: each request completes exactly once among committed records.
   */
  @Test
  void haltedAndGracefullyStoppedWorkersLoseNothingAndDoubleNothing(DevStack stack) throws Exception {
    try (WorkerTestBed bed = new WorkerTestBed(stack)) {
      Path model = TestModels.directory("v1", 1);
      GenerationWorker doomed = bed.startWorker(bed.settings("doomed"), model);
      GenerationWorker graceful = bed.startWorker(bed.settings("graceful"), model);
      GenerationWorker survivor = bed.startWorker(bed.settings("survivor"), model);
      WorkerTestBed.await(() -> doomed.isAssigned() && graceful.isAssigned() && survivor.isAssigned(),
          Duration.ofSeconds(60), () -> "all three workers to get partitions");
      List<GenerationRequest> sent = IntStream.range(0, 24).mapToObj(i -> WorkerTestBed.good("crash-" + i, 1)).toList();
      bed.send(sent);
      Set<String> ids = sent.stream().map(GenerationRequest::getRequestId).collect(Collectors.toSet());
      WorkerTestBed.await(() -> startedABatch(bed, doomed) && startedABatch(bed, graceful),
          Duration.ofSeconds(120), () -> "the doomed and the graceful worker to start a batch");
      int inFlightAtHalt = bed.metrics(doomed).inFlight();
      Thread stopper = new Thread(graceful::shutdown);
      stopper.start();
      doomed.halt();
      stopper.join();
      assertThat(inFlightAtHalt).as("requests in flight when halted").isPositive();
      assertThat(graceful.isRunning()).isFalse();

      Map<String, List<GenerationResult>> results = bed.awaitResults(ids, Duration.ofSeconds(180));
      for (String id : ids) {
        assertThat(results.get(id)).as("committed outcomes of %s", id).hasSize(1);
        GenerationCompleted completed = (GenerationCompleted) results.get(id).get(0).getOutcome();
        for (ImageRef image : completed.getImages()) {
          assertThat(Sha256.hex(bed.store.get(image.getBucket(), image.getKey()))).isEqualTo(image.getSha256());
        }
      }
      assertThat(results.values().stream().map(r -> ((GenerationCompleted) r.get(0).getOutcome()).getWorkerId()))
          .contains("survivor");
      survivor.shutdown();
      survivor.shutdown(); // safe twice
    }
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
      GenerationWorker worker = bed.startWorker(bed.settings("outage"), TestModels.directory("v1", 1), outageStore);
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
}
