package io.graphpaint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.worker.models.LoadedModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {

  private static NDManager manager;
  private static LoadedModel model;
  private static final RequestValidator VALIDATOR = new RequestValidator(new RequestLimits(4, 3, 4, 50, 5f));

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager();
    model = new LoadedModel("default", "v1", ModelDirectory.load(TestModels.directory("v1"), manager));
  }

  @AfterAll
  static void close() {
    model.close();
    manager.close();
  }

  @Test
  void aValidRequestBecomesAJobWithTheModelsDefaultsAndADerivedSeed() {
    GenerationRequest request = WorkerTestBed.request("ok-1", List.of("red circle", "blue square"),
        List.of(WorkerTestBed.rel(0, "left of", 1)), 3, null);
    request.setSteps(null);
    request.setGuidanceScale(null);
    request.setSize(null);
    RequestValidator.Valid valid = (RequestValidator.Valid) VALIDATOR.validate(request, model);
    assertThat(valid.settings().modelVersion()).isEqualTo("v1");
    assertThat(valid.settings().steps()).isEqualTo(model.defaultSteps());
    assertThat(valid.settings().size()).isEqualTo(TestModels.SIZE);
    assertThat(valid.job().firstSeed()).isEqualTo(RequestValidator.seedOf("ok-1")).isNotNegative()
        .isLessThan(1L << 53);
    assertThat(RequestValidator.seedOf("ok-1")).isNotEqualTo(RequestValidator.seedOf("ok-2"));
    assertThat(valid.job().seed(2)).isEqualTo(valid.job().firstSeed() + 2);
  }

  @Test
  void limitsAreNamedWithWhatIsAllowed() {
    GenerationRequest request = WorkerTestBed.request("big", List.of("red circle", "red circle", "red circle",
        "red circle", "red circle"), List.of(), 9, 1L);
    request.setSteps(51);
    request.setGuidanceScale(7.5f);
    request.setSize(64);
    RequestValidator.Invalid invalid = (RequestValidator.Invalid) VALIDATOR.validate(request, model);
    assertThat(invalid.code()).isEqualTo(FailureCode.LIMIT_EXCEEDED);
    assertThat(invalid.message()).isEqualTo("the graph has 5 objects; at most 4 are allowed; numImages is 9; allowed 1 to 4; "
        + "steps is 51; allowed 1 to 50; guidanceScale is 7.5; allowed 0 to 5.0; size is 64; model default/v1 generates "
        + "32x32 images only (leave size out or set it to 32)");
  }

  @Test
  void structuralProblemsAreInvalidGraphs() {
    GenerationRequest request = WorkerTestBed.request("shape", List.of("red circle", "blue square"),
        List.of(WorkerTestBed.rel(0, "left of", 2), WorkerTestBed.rel(1, "above", 1), WorkerTestBed.rel(-1, "above", 0)), 1, 1L);
    RequestValidator.Invalid invalid = (RequestValidator.Invalid) VALIDATOR.validate(request, model);
    assertThat(invalid.code()).isEqualTo(FailureCode.INVALID_GRAPH);
    assertThat(invalid.message())
        .contains("relationship 0 [0, \"left of\", 2] refers to object index 2; allowed indices are 0..1")
        .contains("relationship 1 [1, \"above\", 1] relates an object to itself")
        .contains("relationship 2 [-1, \"above\", 0] refers to object index -1");
    GenerationRequest empty = WorkerTestBed.request("empty", List.of(), List.of(), 1, 1L);
    assertThat(((RequestValidator.Invalid) VALIDATOR.validate(empty, model)).message()).contains("no objects");
    GenerationRequest badId = WorkerTestBed.request("../etc", List.of("red circle"), List.of(), 1, 1L);
    assertThat(((RequestValidator.Invalid) VALIDATOR.validate(badId, model)).message()).contains("requestId '../etc'");
  }

  @Test
  void unknownLabelsAndPredicatesNameTheClosestKnownOnes() {
    GenerationRequest request = WorkerTestBed.request("labels", List.of("red circel", "blue square"),
        List.of(WorkerTestBed.rel(0, "left off", 1)), 1, 1L);
    RequestValidator.Invalid invalid = (RequestValidator.Invalid) VALIDATOR.validate(request, model);
    assertThat(invalid.code()).isEqualTo(FailureCode.UNKNOWN_LABEL);
    assertThat(invalid.message()).contains("object 0: unknown object label 'red circel'")
        .contains("closest known: red circle").contains("relationship 0: unknown predicate 'left off'")
        .contains("left of").endsWith("(model default/v1)");
  }
}
