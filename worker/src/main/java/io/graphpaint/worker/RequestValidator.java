package io.graphpaint.worker;

import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.SceneObject;
import io.graphpaint.model.data.UnknownLabelException;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.storage.Ids;
import io.graphpaint.worker.generation.BatchSettings;
import io.graphpaint.worker.generation.GenerationJob;
import io.graphpaint.worker.models.LoadedModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a request against the limits and the model that would run it, before any tensor work.
 * Limits are checked first (they bound the work the other checks do), then the graph's structure,
 * then its labels against the model's vocabulary. The message lists every problem of the failing
 * category, each with what is allowed.
 */
public final class RequestValidator {

  /** Outcome of validation. */
  public sealed interface Result permits Valid, Invalid {}

  /** Ready to generate. */
  public record Valid(GenerationJob job, BatchSettings settings) implements Result {}

  /** Refused, with the failure code and a message a person can act on. */
  public record Invalid(FailureCode code, String message) implements Result {}

  private final RequestLimits limits;

  public RequestValidator(RequestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public Result validate(GenerationRequest request, LoadedModel model) {
    String requestId = request.getRequestId();
    if (!Ids.isValid(requestId)) {
      return new Invalid(FailureCode.INVALID_GRAPH,
          "requestId '" + requestId + "' is not allowed: it must match " + Ids.RULE);
    }
    io.graphpaint.events.SceneGraph graph = request.getGraph();
    int steps = request.getSteps() != null ? request.getSteps() : model.defaultSteps();
    float guidance = request.getGuidanceScale() != null ? request.getGuidanceScale() : model.defaultGuidanceScale();
    int size = request.getSize() != null ? request.getSize() : model.resolution();

    List<String> overLimits = new ArrayList<>();
    if (graph.getObjects().size() > limits.maxObjects()) {
      overLimits.add("the graph has " + graph.getObjects().size() + " objects; at most " + limits.maxObjects() + " are allowed");
    }
    if (graph.getRelationships().size() > limits.maxRelationships()) {
      overLimits.add("the graph has " + graph.getRelationships().size() + " relationships; at most "
          + limits.maxRelationships() + " are allowed");
    }
    if (request.getNumImages() < 1 || request.getNumImages() > limits.maxImages()) {
      overLimits.add("numImages is " + request.getNumImages() + "; allowed 1 to " + limits.maxImages());
    }
    if (steps < 1 || steps > limits.maxSteps()) {
      overLimits.add("steps is " + steps + "; allowed 1 to " + limits.maxSteps());
    }
    if (!(guidance >= 0 && guidance <= limits.maxGuidanceScale())) {
      overLimits.add("guidanceScale is " + guidance + "; allowed 0 to " + limits.maxGuidanceScale());
    }
    if (size != model.resolution()) {
      overLimits.add("size is " + size + "; model " + model + " generates " + model.resolution() + "x"
          + model.resolution() + " images only (leave size out or set it to " + model.resolution() + ")");
    }
    if (!overLimits.isEmpty()) {
      return new Invalid(FailureCode.LIMIT_EXCEEDED, String.join("; ", overLimits));
    }

    int objects = graph.getObjects().size();
    List<String> structure = new ArrayList<>();
    if (objects == 0) {
      structure.add("the graph has no objects; at least one is needed");
    }
    for (int i = 0; i < graph.getRelationships().size(); i++) {
      io.graphpaint.events.Relationship r = graph.getRelationships().get(i);
      String where = "relationship " + i + " [" + r.getSubject() + ", \"" + r.getPredicate() + "\", " + r.getObject() + "]";
      for (int index : new int[] {r.getSubject(), r.getObject()}) {
        if (index < 0 || index >= objects) {
          structure.add(where + " refers to object index " + index + "; allowed indices are 0.." + (objects - 1)
              + " (the graph has " + objects + " objects)");
          break;
        }
      }
      if (r.getSubject() == r.getObject()) {
        structure.add(where + " relates an object to itself; subject and object must differ");
      }
      if (r.getPredicate().isBlank() || Vocabulary.IN_IMAGE.equals(r.getPredicate())) {
        structure.add(where + " has predicate '" + r.getPredicate() + "'; use a predicate of the model's vocabulary");
      }
    }
    for (int i = 0; i < objects; i++) {
      String label = graph.getObjects().get(i).getLabel();
      if (label.isBlank() || Vocabulary.IMAGE.equals(label)) {
        structure.add("object " + i + " has label '" + label + "'; use a label of the model's vocabulary");
      }
    }
    if (!structure.isEmpty()) {
      return new Invalid(FailureCode.INVALID_GRAPH, String.join("; ", structure));
    }

    Vocabulary vocabulary = model.vocabulary();
    List<String> unknown = new ArrayList<>();
    List<SceneObject> sceneObjects = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      io.graphpaint.events.SceneObject object = graph.getObjects().get(i);
      check(() -> vocabulary.objectIndex(object.getLabel()), "object " + i, unknown);
      for (String attribute : object.getAttributes()) {
        check(() -> vocabulary.attributeIndex(attribute), "object " + i, unknown);
      }
      sceneObjects.add(new SceneObject(object.getLabel(), object.getAttributes()));
    }
    List<Relationship> relationships = new ArrayList<>();
    for (int i = 0; i < graph.getRelationships().size(); i++) {
      io.graphpaint.events.Relationship r = graph.getRelationships().get(i);
      check(() -> vocabulary.predicateIndex(r.getPredicate()), "relationship " + i, unknown);
      relationships.add(new Relationship(r.getSubject(), r.getPredicate(), r.getObject()));
    }
    if (!unknown.isEmpty()) {
      return new Invalid(FailureCode.UNKNOWN_LABEL, String.join("; ", unknown) + " (model " + model + ")");
    }

    long firstSeed = request.getSeed() != null ? request.getSeed() : seedOf(requestId);
    if (firstSeed > Long.MAX_VALUE - limits.maxImages()) {
      return new Invalid(FailureCode.LIMIT_EXCEEDED, "seed " + firstSeed + " is too large: seed + numImages - 1 must fit in a long");
    }
    GenerationJob job = new GenerationJob(requestId, new SceneGraph(sceneObjects, relationships),
        request.getNumImages(), firstSeed);
    return new Valid(job, new BatchSettings(model.version(), steps, guidance, size));
  }

  private static void check(Runnable lookup, String where, List<String> problems) {
    try {
      lookup.run();
    } catch (UnknownLabelException e) {
      problems.add(where + ": " + e.getMessage());
    }
  }

  /**
   * The seed recorded for a request that gave none: derived from its id, so that a redelivered
   * request regenerates the same bytes. 53 bits, so it survives JSON readers that use doubles.
   */
  public static long seedOf(String requestId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("graphpaint.seed/" + requestId).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong() & ((1L << 53) - 1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
