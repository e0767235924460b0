package io.graphpaint.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphpaint.events.GenerationRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GenerationRequestParserTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final GenerationRequestParser parser =
      new GenerationRequestParser(new GenerationRequestParser.Limits(4, 3, 100));

  private GenerationRequest parse(String json, String pathId) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), pathId, "generated-1", NOW);
  }

  private ApiProblem problem(String json, String pathId) {
    try {
      parse(json, pathId);
    } catch (ApiProblem p) {
      return p;
    }
    throw new AssertionError("no problem for " + json);
  }

  @Test
  void sg2imGraphAloneGetsDefaultsAndTheGeneratedId() {
    GenerationRequest r = parse("{\"objects\": [\"sky\", {\"label\": \"sheep\", \"attributes\": [\"white\"]}],"
        + " \"relationships\": [[1, \"below\", 0]]}", null);
    assertThat(r.getRequestId()).isEqualTo("generated-1");
    assertThat(r.getNumImages()).isEqualTo(1);
    assertThat(r.getSubmittedAt()).isEqualTo(NOW);
    assertThat(r.getGraph().getObjects()).hasSize(2);
    assertThat(r.getGraph().getObjects().get(1).getAttributes()).containsExactly("white");
    assertThat(r.getGraph().getRelationships().get(0).getSubject()).isEqualTo(1);
    assertThat(r.getGraph().getRelationships().get(0).getPredicate()).isEqualTo("below");
  }

  @Test
  void idComesFromThePathThenTheBodyThenIsGenerated() {
    String full = "{\"graph\": {\"objects\": [\"a\"]}, \"numImages\": 3, \"seed\": 9}";
    assertThat(parse(full, "from-path").getRequestId()).isEqualTo("from-path");
    assertThat(parse(full, null).getRequestId()).isEqualTo("generated-1");
    GenerationRequest withId = parse("{\"requestId\": \"from-body\", \"graph\": {\"objects\": [\"a\"]}}", null);
    assertThat(withId.getRequestId()).isEqualTo("from-body");
    assertThat(parse(full, null).getNumImages()).isEqualTo(3);
    assertThat(parse(full, null).getSeed()).isEqualTo(9L);
  }

  @Test
  void everyViolationIsListedWithItsField() {
    ApiProblem p = problem("{\"graph\": {\"objects\": [\"a\", \"b\", \"c\", \"d\", \"e\"],"
        + " \"relationships\": [[0, \"x\", 7]]}, \"numImages\": 0, \"steps\": 101, \"extra\": 1}", null);
    assertThat(p.kind()).isEqualTo(ApiProblem.Kind.INVALID_REQUEST);
    assertThat(p.errors()).extracting(FieldError::field)
        .contains("graph.objects", "graph.relationships[0][2]", "numImages", "steps", "extra");
    assertThat(p.errors()).allSatisfy(e -> assertThat(e.rule()).isNotBlank());
  }

  @Test
  void malformedJsonIsA400WithThePosition() {
    ApiProblem p = problem("{\"objects\": [\"a\",", null);
    assertThat(p.kind()).isEqualTo(ApiProblem.Kind.MALFORMED_JSON);
    assertThat(p.detail()).contains("line 1");
    assertThat(problem("", null).kind()).isEqualTo(ApiProblem.Kind.MALFORMED_JSON);
    assertThat(problem("{\"objects\": [\"a\"]} trailing", null).kind()).isEqualTo(ApiProblem.Kind.MALFORMED_JSON);
    assertThat(problem("{\"objects\": [\"a\"], \"objects\": [\"b\"]}", null).kind())
        .isEqualTo(ApiProblem.Kind.MALFORMED_JSON);
  }

  @Test
  void bodyIdMustAgreeWithThePath() {
    ApiProblem p = problem("{\"requestId\": \"other\", \"graph\": {\"objects\": [\"a\"]}}", "mine");
    assertThat(p.errors()).extracting(FieldError::field).containsExactly("requestId");
  }

  @Test
  void dotSegmentsAreNotIds() {
    assertThat(problem("{\"requestId\": \"..\", \"graph\": {\"objects\": [\"a\"]}}", null).errors())
        .extracting(FieldError::field).containsExactly("requestId");
    assertThat(problem("{\"graph\": {\"objects\": [\"a\"]}, \"modelVersion\": \".\"}", null).errors())
        .extracting(FieldError::field).containsExactly("modelVersion");
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new GenerationRequestParser.Limits(0, 1, 1))
        .hasMessageContaining("maxObjects must be >= 1");
  }
}
