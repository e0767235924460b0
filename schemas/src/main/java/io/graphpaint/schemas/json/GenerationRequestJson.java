package io.graphpaint.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.SceneGraph;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON form of a {@link GenerationRequest}, as the HTTP API and the CLI accept it:
 *
 * <pre>{@code
 * {"requestId": "r-42", "graph": {"objects": [...], "relationships": [...]},
 *  "numImages": 2, "seed": 7, "steps": 50, "guidanceScale": 1.5, "size": 32,
 *  "modelVersion": "v3", "submittedAt": "2026-01-01T00:00:00Z", "tags": {"user": "ana"}}
 * }</pre>
 *
 * Only {@code requestId} and {@code graph} are required; absent optional fields mean "the model's
 * default", {@code numImages} defaults to 1 and {@code submittedAt} to the clock's now.
 * {@code submittedAt} is an ISO-8601 instant or epoch milliseconds. Every violation is reported,
 * naming the field and the rule (graph fields as {@code graph.objects[1]: ...}). Thread-safe.
 */
public final class GenerationRequestJson {

  /** Ids become object-store keys: a safe, bounded alphabet. */
  public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private static final Set<String> FIELDS = Set.of("requestId", "graph", "numImages", "seed", "steps",
      "guidanceScale", "size", "modelVersion", "submittedAt", "tags");
  private static final String FIELDS_TEXT =
      "requestId, graph, numImages, seed, steps, guidanceScale, size, modelVersion, submittedAt, tags";

  private final RequestLimits limits;
  private final SceneGraphJson graphs;
  private final Clock clock;

  public GenerationRequestJson(RequestLimits limits, Clock clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.graphs = new SceneGraphJson(limits.graph());
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public GenerationRequestJson(RequestLimits limits) {
    this(limits, Clock.systemUTC());
  }

  public RequestLimits limits() {
    return limits;
  }

  /** Parses and validates a JSON text; throws {@link JsonValidationException} listing every violation. */
  public GenerationRequest parse(String json) {
    return fromJson(SceneGraphJson.readTree(json));
  }

  /** Validates and maps a parsed document; throws {@link JsonValidationException}. */
  public GenerationRequest fromJson(JsonNode node) {
    Violations violations = new Violations();
    if (node == null || !node.isObject()) {
      violations.add("", "expected a request object {\"requestId\": ..., \"graph\": {...}}, found "
          + Violations.describe(node));
      violations.throwIfAny();
    }
    violations.rejectUnknownFields(node, "", FIELDS, FIELDS_TEXT);

    String requestId = id(node.get("requestId"), "requestId", true, violations);
    SceneGraph graph = null;
    JsonNode graphNode = node.get("graph");
    if (graphNode == null) {
      violations.add("graph", "missing object {\"objects\": [...], \"relationships\": [...]}");
    } else {
      graph = graphs.read(graphNode, "graph", violations);
    }
    Integer numImages = integer(node.get("numImages"), "numImages", 1, limits.maxImages(), violations);
    Long seed = null;
    JsonNode seedNode = node.get("seed");
    if (seedNode != null && !seedNode.isNull()) {
      if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
        violations.add("seed", "expected a 64-bit integer, found " + Violations.describe(seedNode));
      } else {
        seed = seedNode.longValue();
      }
    }
    Integer steps = integer(node.get("steps"), "steps", 1, limits.maxSteps(), violations);
    Float guidanceScale = null;
    JsonNode guidanceNode = node.get("guidanceScale");
    if (guidanceNode != null && !guidanceNode.isNull()) {
      if (!guidanceNode.isNumber() || !Double.isFinite(guidanceNode.doubleValue())
          || guidanceNode.doubleValue() < 0 || guidanceNode.doubleValue() > limits.maxGuidanceScale()) {
        violations.add("guidanceScale", "expected a number in [0, " + limits.maxGuidanceScale() + "], found "
            + Violations.describe(guidanceNode));
      } else {
        guidanceScale = guidanceNode.floatValue();
      }
    }
    Integer size = integer(node.get("size"), "size", 1, limits.maxSize(), violations);
    String modelVersion = id(node.get("modelVersion"), "modelVersion", false, violations);
    Instant submittedAt = instant(node.get("submittedAt"), violations);
    Map<String, String> tags = tags(node.get("tags"), violations);

    violations.throwIfAny();
    return GenerationRequest.newBuilder()
        .setRequestId(requestId)
        .setGraph(graph)
        .setNumImages(numImages == null ? 1 : numImages)
        .setSeed(seed)
        .setSteps(steps)
        .setGuidanceScale(guidanceScale)
        .setSize(size)
        .setModelVersion(modelVersion)
        .setSubmittedAt(submittedAt == null ? clock.instant() : submittedAt)
        .setTags(tags)
        .build();
  }

  /** The JSON form; absent optional fields are left out, {@code submittedAt} as ISO-8601. */
  public ObjectNode toJson(GenerationRequest request) {
    ObjectNode root = SceneGraphJson.MAPPER.createObjectNode();
    root.put("requestId", request.getRequestId());
    root.set("graph", graphs.toJson(request.getGraph()));
    root.put("numImages", request.getNumImages());
    if (request.getSeed() != null) {
      root.put("seed", request.getSeed());
    }
    if (request.getSteps() != null) {
      root.put("steps", request.getSteps());
    }
    if (request.getGuidanceScale() != null) {
      root.put("guidanceScale", request.getGuidanceScale());
    }
    if (request.getSize() != null) {
      root.put("size", request.getSize());
    }
    if (request.getModelVersion() != null) {
      root.put("modelVersion", request.getModelVersion());
    }
    root.put("submittedAt", request.getSubmittedAt().toString());
    ObjectNode tags = root.putObject("tags");
    request.getTags().forEach(tags::put);
    return root;
  }

  public String write(GenerationRequest request) {
    return toJson(request).toString();
  }

  // ---------------------------------------------------------------- fields

  private static String id(JsonNode node, String field, boolean required, Violations violations) {
    if (node == null || node.isNull()) {
      if (required) {
        violations.add(field, "missing string matching " + ID_PATTERN.pattern());
      }
      return null;
    }
    if (!node.isTextual()) {
      violations.add(field, "expected a string matching " + ID_PATTERN.pattern() + ", found "
          + Violations.describe(node));
      return null;
    }
    if (!ID_PATTERN.matcher(node.asText()).matches()) {
      violations.add(field, Violations.describe(node) + " does not match " + ID_PATTERN.pattern()
          + " (letters, digits, '.', '_', '-'; 1 to 128 characters)");
      return null;
    }
    if (node.asText().equals(".") || node.asText().equals("..")) {
      // ids become path segments of object keys
      violations.add(field, Violations.describe(node) + " is not allowed: '.' and '..' are path segments");
      return null;
    }
    return node.asText();
  }

  private static Integer integer(JsonNode node, String field, int min, int max, Violations violations) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
      violations.add(field, "expected an integer in [" + min + ", " + max + "], found " + Violations.describe(node));
      return null;
    }
    return node.intValue();
  }

  private static Instant instant(JsonNode node, Violations violations) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return Instant.ofEpochMilli(node.longValue());
    }
    if (node.isTextual()) {
      try {
        return Instant.parse(node.asText());
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    violations.add("submittedAt", "expected an ISO-8601 instant (2026-01-01T00:00:00Z) or epoch milliseconds, found "
        + Violations.describe(node));
    return null;
  }

  private Map<String, String> tags(JsonNode node, Violations violations) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return tags;
    }
    if (!node.isObject()) {
      violations.add("tags", "expected an object of string values, found " + Violations.describe(node));
      return tags;
    }
    if (node.size() > limits.maxTags()) {
      violations.add("tags", node.size() + " tags exceed the limit of " + limits.maxTags());
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> tag = fields.next();
      String path = Violations.field("tags", tag.getKey());
      if (tag.getKey().isEmpty() || tag.getKey().length() > limits.maxTagLength()) {
        violations.add(path, "tag names must have 1 to " + limits.maxTagLength() + " characters");
      }
      if (!tag.getValue().isTextual()) {
        violations.add(path, "expected a string, found " + Violations.describe(tag.getValue()));
      } else if (tag.getValue().asText().length() > limits.maxTagLength()) {
        violations.add(path, "value of " + tag.getValue().asText().length() + " characters exceeds the limit of "
            + limits.maxTagLength());
      } else {
        tags.put(tag.getKey(), tag.getValue().asText());
      }
    }
    return tags;
  }
}
