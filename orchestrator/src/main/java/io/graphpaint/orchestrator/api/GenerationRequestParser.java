package io.graphpaint.orchestrator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.schemas.json.GenerationRequestJson;
import io.graphpaint.schemas.json.JsonValidationException;
import io.graphpaint.schemas.json.RequestLimits;
import io.graphpaint.schemas.json.SceneGraphJson;
import io.graphpaint.schemas.json.SceneGraphLimits;
import io.graphpaint.storage.Ids;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns an HTTP body into a {@link GenerationRequest}, or into a problem listing every field that
 * is wrong. Two shapes are accepted (the mapping and its rules are the schemas module's):
 * <ul>
 *   <li>the sg2im scene graph alone: {@code {"objects": ["sky", "sheep"], "relationships": [[1, "below", 0]]}};</li>
 *   <li>the full request: {@code {"requestId": .., "graph": <scene graph>, "numImages": 2, ...}}.</li>
 * </ul>
 * The id comes from the path (PUT), else the body, else a generated one (POST).
 */
public final class GenerationRequestParser {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Limits on what a request may ask for; the record checks its own values. */
  public record Limits(int maxObjects, int maxRelationships, int maxSteps) {
    public Limits {
      if (maxObjects < 1) {
        throw new IllegalArgumentException("maxObjects must be >= 1, got " + maxObjects);
      }
      if (maxRelationships < 0) {
        throw new IllegalArgumentException("maxRelationships must be >= 0, got " + maxRelationships);
      }
      if (maxSteps < 1) {
        throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
      }
    }

    RequestLimits toRequestLimits() {
      SceneGraphLimits graph = SceneGraphLimits.DEFAULT;
      RequestLimits defaults = RequestLimits.DEFAULT;
      return new RequestLimits(
          new SceneGraphLimits(maxObjects, maxRelationships, graph.maxLabelLength(), graph.maxAttributesPerObject()),
          defaults.maxImages(), maxSteps, defaults.maxSize(), defaults.maxGuidanceScale(),
          defaults.maxTags(), defaults.maxTagLength());
    }
  }

  private final Limits limits;
  private final RequestLimits requestLimits;
  private final SceneGraphJson graphs;

  public GenerationRequestParser(Limits limits) {
    this.limits = limits;
    this.requestLimits = limits.toRequestLimits();
    this.graphs = new SceneGraphJson(requestLimits.graph());
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Parses {@code body}. {@code pathId} is the id from {@code PUT /v1/generations/{id}} (null for
   * POST); {@code generatedId} is used when neither the path nor the body names one.
   */
  public GenerationRequest parse(byte[] body, String pathId, String generatedId, Instant now) {
    JsonNode root = readTree(body);
    try {
      if (root.isObject() && root.has("graph")) {
        ObjectNode request = ((ObjectNode) root).deepCopy();
        JsonNode bodyId = request.get("requestId");
        if (pathId != null && bodyId != null && !bodyId.isNull() && !pathId.equals(bodyId.asText())) {
          throw invalid(List.of(new FieldError("requestId",
              "must equal the id in the path ('" + pathId + "') or be left out")));
        }
        if (pathId != null) {
          request.put("requestId", pathId);
        } else if (bodyId == null || bodyId.isNull()) {
          request.put("requestId", generatedId);
        }
        GenerationRequest parsed =
            new GenerationRequestJson(requestLimits, Clock.fixed(now, ZoneOffset.UTC)).fromJson(request);
        // Ids become object keys: also refuse the path segments '.' and '..' the pattern lets through.
        List<FieldError> keyErrors = new ArrayList<>();
        if (!Ids.isValid(parsed.getRequestId())) {
          keyErrors.add(new FieldError("requestId", "must match " + Ids.RULE));
        }
        if (parsed.getModelVersion() != null && !Ids.isValid(parsed.getModelVersion())) {
          keyErrors.add(new FieldError("modelVersion", "must match " + Ids.RULE));
        }
        if (!keyErrors.isEmpty()) {
          throw invalid(keyErrors);
        }
        return parsed;
      }
      SceneGraph graph = graphs.fromJson(root);
      return GenerationRequest.newBuilder()
          .setRequestId(pathId != null ? pathId : generatedId)
          .setGraph(graph)
          .setNumImages(1).setSeed(null).setSteps(null).setGuidanceScale(null).setSize(null)
          .setModelVersion(null).setSubmittedAt(now).setTags(Map.of())
          .build();
    } catch (JsonValidationException e) {
      List<FieldError> errors = new ArrayList<>();
      for (String violation : e.violations()) {
        int colon = violation.indexOf(": ");
        errors.add(colon < 0 ? new FieldError("$", violation)
            : new FieldError(violation.substring(0, colon), violation.substring(colon + 2)));
      }
      throw invalid(errors);
    }
  }

  private static JsonNode readTree(byte[] body) {
    if (body.length == 0) {
      throw new ApiProblem(ApiProblem.Kind.MALFORMED_JSON, "the body is empty; send a scene graph as JSON");
    }
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw new ApiProblem(ApiProblem.Kind.MALFORMED_JSON, "the body is empty; send a scene graph as JSON");
      }
      return root;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ApiProblem(ApiProblem.Kind.MALFORMED_JSON,
          "the body is not valid JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiProblem(ApiProblem.Kind.MALFORMED_JSON, "the body could not be read: " + e.getMessage());
    }
  }

  private static ApiProblem invalid(List<FieldError> errors) {
    return new ApiProblem(ApiProblem.Kind.INVALID_REQUEST,
        errors.size() == 1 ? "1 field is invalid: " + errors.get(0).field() + " " + errors.get(0).rule()
            : errors.size() + " fields are invalid", errors);
  }
}
