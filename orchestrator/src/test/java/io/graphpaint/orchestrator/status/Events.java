package io.graphpaint.orchestrator.status;

import io.graphpaint.events.CancelRequest;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationFailed;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ImageRef;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import io.graphpaint.events.Timings;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builders of the events a status is folded from, with readable defaults. */
public final class Events {

  private Events() {}

  public static SceneGraph twoShapes() {
    return SceneGraph.newBuilder()
        .setObjects(List.of(
            SceneObject.newBuilder().setLabel("red circle").setAttributes(List.of()).build(),
            SceneObject.newBuilder().setLabel("blue square").setAttributes(List.of()).build()))
        .setRelationships(List.of(Relationship.newBuilder()
            .setSubject(0).setPredicate("left of").setObject(1).build()))
        .build();
  }

  public static GenerationRequest request(String id, long submittedAt) {
    return GenerationRequest.newBuilder()
        .setRequestId(id)
        .setGraph(twoShapes())
        .setNumImages(2)
        .setSeed(42L)
        .setSteps(50)
        .setGuidanceScale(1.5f)
        .setSize(32)
        .setModelVersion(null)
        .setSubmittedAt(Instant.ofEpochMilli(submittedAt))
        .setTags(Map.of("origin", "test"))
        .build();
  }

  public static GenerationProgress progress(String id, int step, int total, long at) {
    return GenerationProgress.newBuilder()
        .setRequestId(id).setStep(step).setTotalSteps(total).setWorkerId("worker-1")
        .setAt(Instant.ofEpochMilli(at)).build();
  }

  public static ImageRef image(String id, int n) {
    return ImageRef.newBuilder()
        .setBucket("graphpaint").setKey("images/" + id + "/" + n + ".png")
        .setWidth(32).setHeight(32).setSha256("0".repeat(63) + n).setSeed(42L + n).build();
  }

  public static GenerationResult completed(String id, String modelVersion, long at, int images) {
    List<ImageRef> refs = new java.util.ArrayList<>();
    for (int n = 0; n < images; n++) {
      refs.add(image(id, n));
    }
    return GenerationResult.newBuilder().setRequestId(id).setOutcome(
        GenerationCompleted.newBuilder()
            .setRequestId(id).setModelVersion(modelVersion).setImages(refs)
            .setTimings(Timings.newBuilder().setQueuedMs(1).setEncodeMs(2).setSampleMs(3).setStoreMs(4).build())
            .setWorkerId("worker-1").setCompletedAt(Instant.ofEpochMilli(at)).setTags(Map.of())
            .build()).build();
  }

  public static GenerationResult failed(String id, FailureCode code, String message, String modelVersion, long at) {
    return GenerationResult.newBuilder().setRequestId(id).setOutcome(
        GenerationFailed.newBuilder()
            .setRequestId(id).setCode(code).setMessage(message).setRetriable(false)
            .setModelVersion(modelVersion).setWorkerId("worker-1")
            .setFailedAt(Instant.ofEpochMilli(at)).setTags(Map.of())
            .build()).build();
  }

  public static CancelRequest cancel(String id, String reason, long at) {
    return CancelRequest.newBuilder().setRequestId(id).setReason(reason)
        .setRequestedAt(Instant.ofEpochMilli(at)).build();
  }
}
