package io.graphpaint.orchestrator.status;

import io.graphpaint.events.CancelRequest;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationFailed;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ImageRef;
import io.graphpaint.schemas.json.SceneGraphJson;
import io.graphpaint.schemas.json.SceneGraphLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * The status state machine: {@code fold(current, event) -> next}. Pure, so that every ordering of
 * events can be tested without Kafka.
 *
 * <p>Events come from four topics, so they may arrive in any order and more than once. The rules
 * that keep the status right regardless:
 * <ul>
 *   <li>COMPLETED, FAILED and CANCELLED are final: the first terminal event wins, later progress,
 *       results and cancellations change nothing.</li>
 *   <li>The request's details fill in whenever the request arrives, also after the result.</li>
 *   <li>Progress keeps the highest step seen.</li>
 *   <li>A failure with code CANCELLED means CANCELLED.</li>
 *   <li>A cancellation of a request that has not started is final at once (workers skip it); of a
 *       running one it is recorded, and the worker's outcome decides.</li>
 * </ul>
 * Every timestamp comes from the events themselves, so replaying the topics rebuilds the same
 * status.
 */
public final class StatusFold {

  /** Writes graphs in the compact sg2im form the API accepts (limits apply to reading only). */
  private static final SceneGraphJson GRAPH_JSON = new SceneGraphJson(SceneGraphLimits.DEFAULT);

  private StatusFold() {}

  public static boolean isTerminal(RequestState state) {
    return state == RequestState.COMPLETED || state == RequestState.FAILED
        || state == RequestState.CANCELLED;
  }

  public static boolean isTerminal(RequestStatus status) {
    return status != null && isTerminal(status.getState());
  }

  /** Returns the next status; equal to {@code current} when the event changes nothing. */
  public static RequestStatus fold(RequestStatus current, String requestId, SpecificRecord event) {
    Objects.requireNonNull(requestId, "requestId");
    if (event instanceof GenerationRequest request) {
      return onRequest(current, requestId, request);
    }
    if (event instanceof GenerationProgress progress) {
      return onProgress(current, requestId, progress);
    }
    if (event instanceof GenerationResult result) {
      Object outcome = result.getOutcome();
      if (outcome instanceof GenerationCompleted completed) {
        return onCompleted(current, requestId, completed);
      }
      if (outcome instanceof GenerationFailed failed) {
        return onFailed(current, requestId, failed);
      }
      throw new IllegalArgumentException("GenerationResult.outcome must be GenerationCompleted or "
          + "GenerationFailed, got " + (outcome == null ? "null" : outcome.getClass().getName()));
    }
    if (event instanceof CancelRequest cancel) {
      return onCancel(current, requestId, cancel);
    }
    throw new IllegalArgumentException("not a status event: "
        + (event == null ? "null" : event.getClass().getName()));
  }

  /** What a request asked for, as the status keeps it (also used to compare a repeated PUT). */
  public static RequestDetails detailsOf(GenerationRequest request) {
    return RequestDetails.newBuilder()
        .setGraphJson(GRAPH_JSON.write(request.getGraph()))
        .setNumImages(request.getNumImages())
        .setSeed(request.getSeed())
        .setSteps(request.getSteps())
        .setGuidanceScale(request.getGuidanceScale())
        .setSize(request.getSize())
        .setPinnedModelVersion(request.getModelVersion())
        .setTags(new HashMap<>(request.getTags()))
        .build();
  }

  static RequestStatus onRequest(RequestStatus current, String id, GenerationRequest request) {
    long at = request.getSubmittedAt().toEpochMilli();
    RequestDetails details = detailsOf(request);
    if (current == null) {
      return fresh(id, RequestState.SUBMITTED, at).setRequest(details).setSubmittedAt(at).build();
    }
    if (current.getRequest() != null) {
      return current; // a duplicate: the id is the idempotency key, the first request stands
    }
    // The request arrived after later events: fill in what was asked, keep the state reached.
    return RequestStatus.newBuilder(current)
        .setRequest(details)
        .setSubmittedAt(at)
        .setFirstSeenAt(Math.min(current.getFirstSeenAt(), at))
        .build();
  }

  static RequestStatus onProgress(RequestStatus current, String id, GenerationProgress progress) {
    if (isTerminal(current)) {
      return current;
    }
    long at = progress.getAt().toEpochMilli();
    RequestStatus.Builder next = current == null
        ? fresh(id, RequestState.RUNNING, at)
        : RequestStatus.newBuilder(current);
    int step = current == null ? progress.getStep() : Math.max(current.getStep(), progress.getStep());
    Long startedAt = current == null || current.getStartedAt() == null
        ? at : Math.min(current.getStartedAt(), at);
    return next.setState(RequestState.RUNNING)
        .setStep(step)
        .setTotalSteps(Math.max(progress.getTotalSteps(), current == null ? 0 : current.getTotalSteps()))
        .setWorkerId(progress.getWorkerId())
        .setStartedAt(startedAt)
        .setUpdatedAt(current == null ? at : Math.max(current.getUpdatedAt(), at))
        .build();
  }

  static RequestStatus onCompleted(RequestStatus current, String id, GenerationCompleted completed) {
    if (isTerminal(current)) {
      return current;
    }
    long at = completed.getCompletedAt().toEpochMilli();
    List<StoredImage> images = new ArrayList<>(completed.getImages().size());
    for (ImageRef image : completed.getImages()) {
      images.add(new StoredImage(image.getBucket(), image.getKey(), image.getWidth(),
          image.getHeight(), image.getSha256(), image.getSeed()));
    }
    RequestStatus.Builder next = current == null
        ? fresh(id, RequestState.COMPLETED, at)
        : RequestStatus.newBuilder(current);
    if (next.getTotalSteps() > 0) {
      next.setStep(next.getTotalSteps()); // progress is sampled every k steps; the end is the end
    }
    return next.setState(RequestState.COMPLETED)
        .setImages(images)
        .setModelVersion(completed.getModelVersion())
        .setWorkerId(completed.getWorkerId())
        .setFinishedAt(at)
        .setUpdatedAt(Math.max(next.getUpdatedAt(), at))
        .build();
  }

  static RequestStatus onFailed(RequestStatus current, String id, GenerationFailed failed) {
    if (isTerminal(current)) {
      return current;
    }
    long at = failed.getFailedAt().toEpochMilli();
    RequestState state = failed.getCode() == FailureCode.CANCELLED
        ? RequestState.CANCELLED : RequestState.FAILED;
    RequestStatus.Builder next = current == null
        ? fresh(id, state, at)
        : RequestStatus.newBuilder(current);
    return next.setState(state)
        .setErrorCode(failed.getCode().name())
        .setErrorMessage(failed.getMessage())
        .setRetriable(failed.getRetriable())
        .setModelVersion(failed.getModelVersion() != null ? failed.getModelVersion() : next.getModelVersion())
        .setWorkerId(failed.getWorkerId())
        .setFinishedAt(at)
        .setUpdatedAt(Math.max(next.getUpdatedAt(), at))
        .build();
  }

  static RequestStatus onCancel(RequestStatus current, String id, CancelRequest cancel) {
    if (isTerminal(current) || (current != null && current.getCancelRequestedAt() != null)) {
      return current; // too late, or a duplicate
    }
    long at = cancel.getRequestedAt().toEpochMilli();
    RequestStatus.Builder next = current == null
        ? fresh(id, RequestState.SUBMITTED, at)
        : RequestStatus.newBuilder(current);
    next.setCancelRequestedAt(at)
        .setCancelReason(cancel.getReason())
        .setUpdatedAt(Math.max(next.getUpdatedAt(), at));
    if (next.getState() == RequestState.SUBMITTED) {
      // Not started: workers skip cancelled requests, so nothing else will finish it.
      next.setState(RequestState.CANCELLED)
          .setErrorCode(FailureCode.CANCELLED.name())
          .setErrorMessage(cancel.getReason() != null
              ? "cancelled before generation started: " + cancel.getReason()
              : "cancelled before generation started")
          .setFinishedAt(at);
    }
    return next.build();
  }

  private static RequestStatus.Builder fresh(String id, RequestState state, long at) {
    return RequestStatus.newBuilder()
        .setRequestId(id)
        .setState(state)
        .setRequest(null)
        .setSubmittedAt(null)
        .setFirstSeenAt(at)
        .setUpdatedAt(at)
        .setStep(0)
        .setTotalSteps(0)
        .setImages(new ArrayList<>());
  }
}
