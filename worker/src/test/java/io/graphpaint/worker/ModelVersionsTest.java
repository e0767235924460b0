package io.graphpaint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationFailed;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.storage.DirectoryTransfer;
import io.graphpaint.storage.ObjectKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Model versions published while a worker serves: a promoted version from the object store is
 * loaded in the background and swapped in without failing a request; a version with corrupt
 * weights is refused and the previous one keeps serving; pinned versions are honoured or refused.
 * Versions are copies of the shipped trained model ({@link TestModels}) under different names.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class ModelVersionsTest {

  private static final String NAME = "swap";

  @Test
  void promotedVersionsSwapInCorruptOnesAreRefusedPinsAreHonoured(DevStack stack) {
    try (WorkerTestBed bed = new WorkerTestBed(stack)) {
      Map<String, Object> settings = bed.settings("swapper");
      settings.put(WorkerConfig.MODEL_NAME, NAME);
      settings.put(WorkerConfig.MODEL_DEFAULT_VERSION, "v1");
      GenerationWorker worker = bed.startWorker(settings, TestModels.directory("v1"));
      assertThat(worker.models().current().version()).isEqualTo("v1");

      List<GenerationRequest> early = requests("early", 4);
      bed.send(early);
      String bucket = bed.store.buckets().models();
      new DirectoryTransfer(bed.store).upload(TestModels.directory("v2"), bucket, ObjectKeys.modelVersionPrefix(NAME, "v2"));
      bed.publish(published("v2", "s3://" + bucket + "/" + ObjectKeys.modelVersionPrefix(NAME, "v2")));
      List<GenerationRequest> midStream = requests("mid", 4);
      bed.send(midStream);
      WorkerTestBed.await(() -> worker.models().current().version().equals("v2"), Duration.ofSeconds(120),
          () -> "the swap to v2");
      List<GenerationRequest> late = requests("late", 4);
      bed.send(late);

      List<String> all = new ArrayList<>();
      for (List<GenerationRequest> group : List.of(early, midStream, late)) {
        group.forEach(request -> all.add(request.getRequestId()));
      }
      Map<String, List<GenerationResult>> results = bed.awaitResults(all, Duration.ofSeconds(150));
      for (String id : all) {
        assertThat(results.get(id)).hasSize(1);
        assertThat(results.get(id).get(0).getOutcome()).as("outcome of %s", id).isInstanceOf(GenerationCompleted.class);
      }
      for (GenerationRequest request : late) {
        assertThat(version(results, request.getRequestId())).isEqualTo("v2");
      }

      // a promoted version whose weights are cut short: refused, v2 keeps serving
      bed.publish(published("v3", TestModels.corruptCopy(TestModels.directory("v3"), "v3").toString()));
      WorkerTestBed.await(() -> bed.metrics(worker).modelLoadFailures() >= 1, Duration.ofSeconds(120),
          () -> "v3 to be refused");
      assertThat(worker.models().current().version()).isEqualTo("v2");
      List<GenerationRequest> afterCorrupt = requests("after-corrupt", 3);
      GenerationRequest pinnedOld = pinned("pinned-v1", "v1");
      GenerationRequest pinnedMissing = pinned("pinned-v9", "v9");
      List<GenerationRequest> last = new ArrayList<>(afterCorrupt);
      last.add(pinnedOld);
      last.add(pinnedMissing);
      bed.send(last);
      Map<String, List<GenerationResult>> lastResults = bed.awaitResults(
          last.stream().map(GenerationRequest::getRequestId).collect(Collectors.toSet()), Duration.ofSeconds(120));
      for (GenerationRequest request : afterCorrupt) {
        assertThat(version(lastResults, request.getRequestId())).isEqualTo("v2");
      }
      assertThat(version(lastResults, "pinned-v1")).isEqualTo("v1");
      GenerationFailed missing = (GenerationFailed) lastResults.get("pinned-v9").get(0).getOutcome();
      assertThat(missing.getCode()).isEqualTo(FailureCode.MODEL_UNAVAILABLE);
      assertThat(missing.getMessage()).contains("'v9'").contains("v2");

      // pinned versions published but never promoted: loaded in the background on first use, or refused
      bed.publish(unpromoted("v4", TestModels.directory("v4").toString()));
      bed.publish(unpromoted("v5", TestModels.corruptCopy(TestModels.directory("v5"), "v5").toString()));
      WorkerTestBed.await(() -> {
        try {
          worker.models().resolve("v5");
          return true;
        } catch (io.graphpaint.worker.models.ModelUnavailableException e) {
          return false;
        }
      }, Duration.ofSeconds(60), () -> "v4 and v5 to be known to the worker");
      List<GenerationRequest> pins = new ArrayList<>(requests("beside-pins", 3));
      pins.add(pinned("pinned-v4", "v4"));
      pins.add(pinned("pinned-v5", "v5"));
      bed.send(pins);
      Map<String, List<GenerationResult>> pinResults = bed.awaitResults(
          pins.stream().map(GenerationRequest::getRequestId).collect(Collectors.toSet()), Duration.ofSeconds(120));
      assertThat(version(pinResults, "pinned-v4")).isEqualTo("v4");
      GenerationFailed corrupt = (GenerationFailed) pinResults.get("pinned-v5").get(0).getOutcome();
      assertThat(corrupt.getCode()).isEqualTo(FailureCode.MODEL_UNAVAILABLE);
      assertThat(corrupt.getMessage()).contains("'v5'").contains("could not be loaded").contains("v2");
      for (int i = 0; i < 3; i++) {
        assertThat(version(pinResults, "beside-pins-" + i)).isEqualTo("v2");
      }
      assertThat(worker.models().current().version()).isEqualTo("v2");

      assertThat(bed.metrics(worker).registry().get("graphpaint.worker.model.version").tag("version", "v2")
          .gauge().value()).isEqualTo(1.0);
      assertThat(bed.metrics(worker).registry().get("graphpaint.worker.model.version").tag("version", "v1")
          .gauge().value()).isEqualTo(0.0);
    }
  }

  private static List<GenerationRequest> requests(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> WorkerTestBed.good(prefix + "-" + i, 1)).toList();
  }

  private static GenerationRequest pinned(String id, String version) {
    GenerationRequest request = WorkerTestBed.good(id, 1);
    request.setModelVersion(version);
    return request;
  }

  private static ModelPublished published(String version, String uri) {
    return ModelPublished.newBuilder().setModelName(NAME).setVersion(version).setArtifactUri(uri)
        .setPromoted(true).setCreatedAt(Instant.now()).build();
  }

  private static ModelPublished unpromoted(String version, String uri) {
    return ModelPublished.newBuilder(published(version, uri)).setPromoted(false).build();
  }

  private static String version(Map<String, List<GenerationResult>> results, String id) {
    Object outcome = results.get(id).get(0).getOutcome();
    assertThat(outcome).as("outcome of %s", id).isInstanceOf(GenerationCompleted.class);
    return ((GenerationCompleted) outcome).getModelVersion();
  }
}
