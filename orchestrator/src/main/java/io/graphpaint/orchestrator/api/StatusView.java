package io.graphpaint.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphpaint.orchestrator.status.RequestDetails;
import io.graphpaint.orchestrator.status.RequestStatus;
import io.graphpaint.orchestrator.status.StatusFold;
import io.graphpaint.orchestrator.status.StoredImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON face of a {@link RequestStatus}: ISO times, a progress fraction, image URLs, links. */
public final class StatusView {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusView() {}

  public static Map<String, Object> of(RequestStatus status, ImageLinks links) {
    Map<String, Object> view = new LinkedHashMap<>();
    String id = status.getRequestId();
    view.put("requestId", id);
    view.put("state", status.getState().name());
    view.put("terminal", StatusFold.isTerminal(status));
    Map<String, Object> progress = new LinkedHashMap<>();
    progress.put("step", status.getStep());
    progress.put("totalSteps", status.getTotalSteps());
    progress.put("fraction", fraction(status));
    view.put("progress", progress);
    view.put("submittedAt", iso(status.getSubmittedAt()));
    view.put("firstSeenAt", iso(status.getFirstSeenAt()));
    view.put("startedAt", iso(status.getStartedAt()));
    view.put("updatedAt", iso(status.getUpdatedAt()));
    view.put("finishedAt", iso(status.getFinishedAt()));
    view.put("modelVersion", status.getModelVersion());
    view.put("workerId", status.getWorkerId());
    RequestDetails details = status.getRequest();
    if (details != null) {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("graph", graph(details.getGraphJson()));
      request.put("numImages", details.getNumImages());
      request.put("seed", details.getSeed());
      request.put("steps", details.getSteps());
      request.put("guidanceScale", details.getGuidanceScale());
      request.put("size", details.getSize());
      request.put("modelVersion", details.getPinnedModelVersion());
      request.put("tags", details.getTags());
      view.put("request", request);
    } else {
      view.put("request", null);
    }
    List<Map<String, Object>> images = new ArrayList<>();
    int n = 0;
    for (StoredImage image : status.getImages()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("index", n++);
      entry.put("url", links.urlOf(image.getBucket(), image.getKey()).map(Object::toString).orElse(null));
      entry.put("bucket", image.getBucket());
      entry.put("key", image.getKey());
      entry.put("width", image.getWidth());
      entry.put("height", image.getHeight());
      entry.put("sha256", image.getSha256());
      entry.put("seed", image.getSeed());
      images.add(entry);
    }
    view.put("images", images);
    if (status.getErrorCode() != null) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", status.getErrorCode());
      error.put("message", status.getErrorMessage());
      error.put("retriable", status.getRetriable());
      view.put("error", error);
    } else {
      view.put("error", null);
    }
    if (status.getCancelRequestedAt() != null) {
      view.put("cancel", Map.of("requestedAt", iso(status.getCancelRequestedAt()),
          "reason", status.getCancelReason() == null ? "" : status.getCancelReason()));
    }
    Map<String, String> linksOut = new LinkedHashMap<>();
    linksOut.put("self", "/v1/generations/" + id);
    linksOut.put("events", "/v1/generations/" + id + "/events");
    linksOut.put("cancel", "/v1/generations/" + id + "/cancel");
    view.put("links", linksOut);
    return view;
  }

  static double fraction(RequestStatus status) {
    if (status.getState().name().equals("COMPLETED")) {
      return 1.0;
    }
    return status.getTotalSteps() <= 0 ? 0.0
        : Math.min(1.0, (double) status.getStep() / status.getTotalSteps());
  }

  private static String iso(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  private static JsonNode graph(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      return JSON.getNodeFactory().textNode(json);
    }
  }
}
