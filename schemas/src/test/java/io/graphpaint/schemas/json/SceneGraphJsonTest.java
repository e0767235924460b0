package io.graphpaint.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import io.graphpaint.schemas.testing.SampleRequests;
import java.util.List;
import org.junit.jupiter.api.Test;

class SceneGraphJsonTest {

  private final SceneGraphJson json = new SceneGraphJson(new SceneGraphLimits(4, 3, 20, 2));

  private List<String> violations(String text) {
    try {
      json.parse(text);
    } catch (JsonValidationException e) {
      return e.violations();
    }
    throw new AssertionError("accepted: " + text);
  }

  @Test
  void readsTheSg2imFormWithBothObjectForms() {
    SceneGraph graph = json.parse("""
        {"objects": ["red circle", {"label": "blue square", "attributes": ["small", "shiny"]}, "green triangle"],
         "relationships": [[0, "left of", 1], [2, "above", 0]]}""");

    assertThat(graph.getObjects()).containsExactly(
        SceneObject.newBuilder().setLabel("red circle").setAttributes(List.of()).build(),
        SceneObject.newBuilder().setLabel("blue square").setAttributes(List.of("small", "shiny")).build(),
        SceneObject.newBuilder().setLabel("green triangle").setAttributes(List.of()).build());
    assertThat(graph.getRelationships()).containsExactly(
        Relationship.newBuilder().setSubject(0).setPredicate("left of").setObject(1).build(),
        Relationship.newBuilder().setSubject(2).setPredicate("above").setObject(0).build());
  }

  @Test
  void relationshipsMayBeLeftOutOrWrittenAsObjects() {
    assertThat(json.parse("{\"objects\": [\"a\"]}").getRelationships()).isEmpty();
    assertThat(json.parse("{\"objects\": [\"a\", \"b\"], \"relationships\": [{\"subject\": 1, \"predicate\": \"on\", \"object\": 0}]}")
        .getRelationships()).containsExactly(Relationship.newBuilder().setSubject(1).setPredicate("on").setObject(0).build());
  }

  @Test
  void roundTripsThroughJson() {
    SceneGraphJson roomy = new SceneGraphJson(SceneGraphLimits.DEFAULT);
    for (int n = 0; n < 20; n++) {
      SceneGraph graph = SampleRequests.graph(n);
      String text = roomy.write(graph);
      assertThat(roomy.parse(text)).isEqualTo(graph);
    }
  }

  @Test
  void writesTheCompactForm() {
    SceneGraph graph = json.parse("{\"objects\": [\"a\", {\"label\": \"b\", \"attributes\": [\"x\"]}], \"relationships\": [[0, \"p\", 1]]}");
    assertThat(json.write(graph))
        .isEqualTo("{\"objects\":[\"a\",{\"label\":\"b\",\"attributes\":[\"x\"]}],\"relationships\":[[0,\"p\",1]]}");
  }

  @Test
  void namesTheFieldAndRuleOfEachViolation() {
    assertThat(violations("{\"objects\": [\"a\", \"b\", \"c\"], \"relationships\": [[0, \"p\", 1], [1, \"q\", 2], [5, \"r\", 0]]}"))
        .containsExactly("relationships[2][0]: index 5 out of range [0, 3)");
    assertThat(violations("{\"objects\": [\"a\", \"  \"]}")).containsExactly("objects[1]: empty label");
    assertThat(violations("{\"relationships\": []}")).containsExactly("objects: missing array; a graph needs at least 1 object");
    assertThat(violations("{\"objects\": []}")).containsExactly("objects: empty; a graph needs at least 1 object");
    assertThat(violations("{\"objects\": \"a\"}")).containsExactly("objects: expected an array of objects, found string \"a\"");
    assertThat(violations("{\"objects\": [\"a\"], \"colour\": 1}")).containsExactly("colour: unknown field; allowed: objects, relationships");
    assertThat(violations("{\"objects\": [{\"label\": \"a\", \"size\": 2}]}"))
        .containsExactly("objects[0].size: unknown field; allowed: label, attributes");
    assertThat(violations("{\"objects\": [{\"attributes\": []}]}")).containsExactly("objects[0].label: missing string");
    assertThat(violations("{\"objects\": [{\"label\": 3}]}")).containsExactly("objects[0].label: expected a string, found number 3");
    assertThat(violations("{\"objects\": [7]}"))
        .containsExactly("objects[0]: expected a label string or {\"label\": ..., \"attributes\": [...]}, found number 7");
    assertThat(violations("{\"objects\": [{\"label\": \"a\", \"attributes\": [\"x\", 2, \"\"]}]}"))
        .containsExactly("objects[0].attributes: 3 attributes exceed the limit of 2",
            "objects[0].attributes[1]: expected a string, found number 2", "objects[0].attributes[2]: empty attribute");
    assertThat(violations("{\"objects\": [{\"label\": \"a\", \"attributes\": [\"x\", \"y\", \"z\"]}]}"))
        .containsExactly("objects[0].attributes: 3 attributes exceed the limit of 2");
    assertThat(violations("{\"objects\": [\"a\", \"b\"], \"relationships\": [[0, \"p\"]]}"))
        .containsExactly("relationships[0]: expected [subject, \"predicate\", object], found 2 elements");
    assertThat(violations("{\"objects\": [\"a\", \"b\"], \"relationships\": [[0.5, \"p\", -1]]}"))
        .containsExactly("relationships[0][0]: expected an integer index into objects, found number 0.5",
            "relationships[0][2]: index -1 out of range [0, 2)");
    assertThat(violations("{\"objects\": [\"a\", \"b\"], \"relationships\": [[0, \"\", 1], [0, 3, 1]]}"))
        .containsExactly("relationships[0][1]: empty predicate", "relationships[1][1]: expected a predicate string, found number 3");
    assertThat(violations("{\"objects\": [\"a\"], \"relationships\": {}}"))
        .containsExactly("relationships: expected an array of [subject, \"predicate\", object], found an object");
    assertThat(violations("{\"objects\": [\"a\", \"b\"], \"relationships\": [{\"subject\": 0, \"verb\": \"p\", \"object\": 1}]}"))
        .containsExactly("relationships[0].verb: unknown field; allowed: subject, predicate, object",
            "relationships[0].predicate: expected a predicate string, found nothing");
    assertThat(violations("[1, 2]"))
        .containsExactly("$: expected an object {\"objects\": [...], \"relationships\": [...]}, found an array");
  }

  @Test
  void enforcesTheConfiguredLimits() {
    assertThat(violations("{\"objects\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}")).containsExactly("objects: 5 objects exceed the limit of 4");
    assertThat(violations("{\"objects\": [\"a\", \"b\"], \"relationships\": [[0, \"p\", 1], [0, \"p\", 1], [0, \"p\", 1], [0, \"p\", 1]]}"))
        .containsExactly("relationships: 4 relationships exceed the limit of 3");
    assertThat(violations("{\"objects\": [\"" + "x".repeat(21) + "\"]}"))
        .containsExactly("objects[0]: label of 21 characters exceeds the limit of 20");
  }

  @Test
  void collectsEveryViolationInDocumentOrder() {
    assertThat(violations("""
        {"objects": ["a", "", {"label": "c", "extra": true}],
         "relationships": [[0, "p", 9], [1, "", 2], "nonsense"], "style": "x"}"""))
        .containsExactly(
            "style: unknown field; allowed: objects, relationships",
            "objects[1]: empty label",
            "objects[2].extra: unknown field; allowed: label, attributes",
            "relationships[0][2]: index 9 out of range [0, 3)",
            "relationships[1][1]: empty predicate",
            "relationships[2]: expected [subject, \"predicate\", object], found string \"nonsense\"");
  }

  @Test
  void rejectsTextThatIsNotJson() {
    assertThatThrownBy(() -> json.parse("{\"objects\": [\"a\",]"))
        .isInstanceOf(JsonValidationException.class)
        .hasMessageStartingWith("$: not valid JSON at line 1, column");
    assertThatThrownBy(() -> json.parse("{\"objects\": [\"a\"], \"objects\": [\"b\"]}"))
        .isInstanceOf(JsonValidationException.class)
        .hasMessageContaining("Duplicate field 'objects'");
    assertThatThrownBy(() -> json.parse("{\"objects\": [\"a\"]} {}"))
        .isInstanceOf(JsonValidationException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> json.parse(" ")).isInstanceOf(JsonValidationException.class)
        .hasMessage("$: empty document; expected a JSON object");
  }

  @Test
  void messageSummarisesSeveralViolations() {
    assertThatThrownBy(() -> json.parse("{\"objects\": [\"\", \"\"]}"))
        .hasMessage("2 problems: objects[0]: empty label; objects[1]: empty label");
  }
}
