package io.graphpaint.schemas.testing;

import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneGraph;
import io.graphpaint.events.SceneObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Deterministic sample events. */
public final class SampleRequests {
  private SampleRequests() {}

  private static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple"};
  private static final String[] SHAPES = {"circle", "square", "triangle"};
  private static final String[] PREDICATES = {"left of", "right of", "above", "below", "inside", "surrounding"};

  /** A 5-object graph with 4 relationships, varied by {@code n}. */
  public static SceneGraph graph(int n) {
    List<SceneObject> objects = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      objects.add(SceneObject.newBuilder()
          .setLabel(COLOURS[(n + i) % COLOURS.length] + " " + SHAPES[(n * 7 + i) % SHAPES.length])
          .setAttributes(i % 2 == 0 ? List.of() : List.of("small"))
          .build());
    }
    List<Relationship> relationships = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      relationships.add(Relationship.newBuilder().setSubject(i).setPredicate(PREDICATES[(n + i) % PREDICATES.length])
          .setObject(i + 1).build());
    }
    return SceneGraph.newBuilder().setObjects(objects).setRelationships(relationships).build();
  }

  /** Request {@code n}: optional fields set on even n, left out on odd n. */
  public static GenerationRequest request(int n) {
    GenerationRequest.Builder builder = GenerationRequest.newBuilder()
        .setRequestId("req-" + n)
        .setGraph(graph(n))
        .setNumImages(1 + n % 8)
        .setSubmittedAt(Instant.ofEpochMilli(1_764_000_000_000L + n))
        .setTags(n % 3 == 0 ? Map.of("user", "u" + n) : Map.of());
    if (n % 2 == 0) {
      builder.setSeed(1000L + n).setSteps(50).setGuidanceScale(1.5f).setSize(32).setModelVersion("v" + (n % 4));
    }
    return builder.build();
  }
}
