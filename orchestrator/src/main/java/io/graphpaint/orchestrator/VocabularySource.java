package io.graphpaint.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.S3Uri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labels and predicates the web form offers: from the promoted model's {@code model.json} in
 * the object store, else from a configured file, else none (the form then takes free text).
 */
public final class VocabularySource {

  private static final Logger log = LoggerFactory.getLogger(VocabularySource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The vocabulary and where it came from ({@code model}, {@code file} or {@code none}). */
  public record Vocabulary(String source, String modelVersion, List<String> objects, List<String> predicates) {
    public Vocabulary {
      objects = List.copyOf(objects);
      predicates = List.copyOf(predicates);
    }
  }

  private final String modelName;
  private final Supplier<List<ModelPublished>> models;
  private final Optional<ObjectStore> store;
  private final Optional<Path> file;
  private final Map<String, Vocabulary> byArtifact = new ConcurrentHashMap<>();

  public VocabularySource(String modelName, Supplier<List<ModelPublished>> models,
      Optional<ObjectStore> store, Optional<Path> file) {
    this.modelName = modelName;
    this.models = models;
    this.store = store;
    this.file = file;
  }

  public Vocabulary current() {
    Optional<ModelPublished> promoted = promoted();
    if (promoted.isPresent() && store.isPresent()) {
      ModelPublished model = promoted.get();
      Vocabulary fromModel = byArtifact.computeIfAbsent(model.getArtifactUri(), uri -> readModel(model));
      if (fromModel != null) {
        return fromModel;
      }
    }
    if (file.isPresent()) {
      try {
        return parse(JSON.readTree(Files.readAllBytes(file.get())), "file", null);
      } catch (IOException | RuntimeException e) {
        log.warn("vocabulary file {} is unreadable: {}", file.get(), e.getMessage());
      }
    }
    return new Vocabulary("none", promoted.map(ModelPublished::getVersion).orElse(null), List.of(), List.of());
  }

  private Optional<ModelPublished> promoted() {
    try {
      return models.get().stream()
          .filter(m -> m.getModelName().equals(modelName) && m.getPromoted())
          .max(Comparator.comparing(ModelPublished::getCreatedAt));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Vocabulary readModel(ModelPublished model) {
    try {
      S3Uri uri = S3Uri.parse(model.getArtifactUri());
      String prefix = uri.key().isEmpty() || uri.key().endsWith("/") ? uri.key() : uri.key() + "/";
      byte[] bytes = store.orElseThrow().get(uri.bucket(), prefix + "model.json");
      return parse(JSON.readTree(bytes), "model", model.getVersion());
    } catch (IOException | RuntimeException e) {
      log.warn("model.json of {} is unreadable, falling back: {}", model.getArtifactUri(), e.getMessage());
      return null; // not cached: computeIfAbsent stores nothing for null
    }
  }

  /**
   * Accepts {@code {"vocabulary": {"objects": [..], "predicates": [..]}}}, the same at top level,
   * or sg2im's {@code object_idx_to_name} / {@code pred_idx_to_name}; the special
   * {@code __image__} / {@code __in_image__} entries are not offered.
   */
  static Vocabulary parse(JsonNode root, String source, String version) {
    JsonNode vocab = root.has("vocabulary") ? root.get("vocabulary") : root;
    List<String> objects = names(first(vocab, "objects", "object_idx_to_name", "objectNames"));
    List<String> predicates = names(first(vocab, "predicates", "pred_idx_to_name", "predicateNames"));
    if (objects.isEmpty()) {
      throw new IllegalArgumentException("no object labels found");
    }
    return new Vocabulary(source, version, objects, predicates);
  }

  private static JsonNode first(JsonNode node, String... names) {
    for (String name : names) {
      if (node.has(name)) {
        return node.get(name);
      }
    }
    return null;
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array == null || !array.isArray()) {
      return out;
    }
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      JsonNode item = it.next();
      String name = item.isTextual() ? item.asText() : item.path("name").asText("");
      if (!name.isBlank() && !name.startsWith("__")) {
        out.add(name);
      }
    }
    return out;
  }
}
