package io.graphpaint.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.events.GenerationRequest;
import io.graphpaint.schemas.testing.SampleRequests;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenerationRequestJsonTest {

  private static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");
  private final GenerationRequestJson json =
      new GenerationRequestJson(RequestLimits.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC));

  private List<String> violations(String text) {
    try {
      json.parse(text);
    } catch (JsonValidationException e) {
      return e.violations();
    }
    throw new AssertionError("accepted: " + text);
  }

  @Test
  void minimalRequestGetsDefaultsAndTheClocksTime() {
    GenerationRequest request = json.parse("{\"requestId\": \"r-1\", \"graph\": {\"objects\": [\"red circle\"]}}");
    assertThat(request.getRequestId()).isEqualTo("r-1");
    assertThat(request.getNumImages()).isEqualTo(1);
    assertThat(request.getSeed()).isNull();
    assertThat(request.getSteps()).isNull();
    assertThat(request.getGuidanceScale()).isNull();
    assertThat(request.getSize()).isNull();
    assertThat(request.getModelVersion()).isNull();
    assertThat(request.getSubmittedAt()).isEqualTo(NOW);
    assertThat(request.getTags()).isEmpty();
  }

  @Test
  void fullRequestReadsEveryField() {
    GenerationRequest request = json.parse("""
        {"requestId": "abc.DEF_9-x", "graph": {"objects": ["a", "b"], "relationships": [[0, "left of", 1]]},
         "numImages": 8, "seed": -9007199254740993, "steps": 50, "guidanceScale": 1.5, "size": 64,
         "modelVersion": "v2", "submittedAt": 1764144000000, "tags": {"user": "ana"}}""");
    assertThat(request.getNumImages()).isEqualTo(8);
    assertThat(request.getSeed()).isEqualTo(-9007199254740993L);
    assertThat(request.getSteps()).isEqualTo(50);
    assertThat(request.getGuidanceScale()).isEqualTo(1.5f);
    assertThat(request.getSize()).isEqualTo(64);
    assertThat(request.getModelVersion()).isEqualTo("v2");
    assertThat(request.getSubmittedAt()).isEqualTo(Instant.ofEpochMilli(1764144000000L));
    assertThat(request.getTags()).isEqualTo(Map.of("user", "ana"));
    assertThat(request.getGraph().getRelationships()).hasSize(1);
  }

  @Test
  void roundTripsThroughJson() {
    for (int n = 0; n < 24; n++) {
      GenerationRequest request = SampleRequests.request(n);
      assertThat(json.parse(json.write(request))).isEqualTo(request);
    }
  }

  @Test
  void reportsEveryViolationWithGraphPathsPrefixed() {
    assertThat(violations("""
        {"requestId": "has space", "graph": {"objects": ["a", ""], "relationships": [[0, "p", 2]]},
         "numImages": 9, "seed": "x", "steps": 0, "guidanceScale": -1, "size": 2.5,
         "modelVersion": "../etc", "submittedAt": "yesterday", "tags": {"k": 1}, "priority": 3}"""))
        .containsExactly(
            "priority: unknown field; allowed: requestId, graph, numImages, seed, steps, guidanceScale, size, modelVersion, submittedAt, tags",
            "requestId: string \"has space\" does not match [A-Za-z0-9._-]{1,128} (letters, digits, '.', '_', '-'; 1 to 128 characters)",
            "graph.objects[1]: empty label",
            "graph.relationships[0][2]: index 2 out of range [0, 2)",
            "numImages: expected an integer in [1, 8], found number 9",
            "seed: expected a 64-bit integer, found string \"x\"",
            "steps: expected an integer in [1, 1000], found number 0",
            "guidanceScale: expected a number in [0, 50.0], found number -1",
            "size: expected an integer in [1, 1024], found number 2.5",
            "modelVersion: string \"../etc\" does not match [A-Za-z0-9._-]{1,128} (letters, digits, '.', '_', '-'; 1 to 128 characters)",
            "submittedAt: expected an ISO-8601 instant (2026-01-01T00:00:00Z) or epoch milliseconds, found string \"yesterday\"",
            "tags.k: expected a string, found number 1");
  }

  @Test
  void requiredFieldsAreNamed() {
    assertThat(violations("{}")).containsExactly(
        "requestId: missing string matching [A-Za-z0-9._-]{1,128}",
        "graph: missing object {\"objects\": [...], \"relationships\": [...]}");
    assertThat(violations("{\"requestId\": \"" + "x".repeat(129) + "\", \"graph\": []}")).containsExactly(
        "requestId: string \"" + "x".repeat(36) + "...\" does not match [A-Za-z0-9._-]{1,128} (letters, digits, '.', '_', '-'; 1 to 128 characters)",
        "graph: expected an object {\"objects\": [...], \"relationships\": [...]}, found an array");
  }

  @Test
  void dotSegmentsAreNotIds() {
    for (String id : new String[] {".", ".."}) {
      assertThat(violations("{\"requestId\": \"" + id + "\", \"graph\": {\"objects\": [\"a\"]}}")).containsExactly(
          "requestId: string \"" + id + "\" is not allowed: '.' and '..' are path segments");
    }
    // three dots are an ordinary id, not a path segment
    assertThat(json.parse("{\"requestId\": \"...\", \"graph\": {\"objects\": [\"a\"]}}").getRequestId()).isEqualTo("...");
  }

  @Test
  void limitsComeFromConfiguration() {
    GenerationRequestJson strict = new GenerationRequestJson(
        new RequestLimits(new SceneGraphLimits(2, 1, 16, 0), 2, 20, 32, 3f, 1, 8), Clock.systemUTC());
    try {
      strict.parse("""
          {"requestId": "r", "graph": {"objects": ["a", "b", "c"], "relationships": [[0, "p", 1], [1, "p", 2]]},
           "numImages": 3, "steps": 21, "size": 64, "guidanceScale": 3.5, "tags": {"a": "1", "b": "123456789"}}""");
      throw new AssertionError("accepted");
    } catch (JsonValidationException e) {
      assertThat(e.violations()).containsExactly(
          "graph.objects: 3 objects exceed the limit of 2",
          "graph.relationships: 2 relationships exceed the limit of 1",
          "numImages: expected an integer in [1, 2], found number 3",
          "steps: expected an integer in [1, 20], found number 21",
          "guidanceScale: expected a number in [0, 3.0], found number 3.5",
          "size: expected an integer in [1, 32], found number 64",
          "tags: 2 tags exceed the limit of 1",
          "tags.b: value of 9 characters exceeds the limit of 8");
    }
  }
}
