package io.graphpaint.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.model.data.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model on disk:
 *
 * <pre>
 *   model.json               format version, architecture (every component's config), vocabulary,
 *                            fusion mode, default sampling settings, training config, versions
 *   clip.safetensors         one file per component, weights under state-dict names
 *   graph_encoder.safetensors
 *   fusion.safetensors
 *   unet.safetensors         the EMA weights when training kept an EMA
 *   tokenizer.json           the text tower's tokenizer (Hugging Face format)
 *   metrics.json             evaluation results and training summary
 * </pre>
 *
 * Loading checks the weights against the architecture in {@code model.json}; loading against an
 * expected architecture or vocabulary fails with the list of fields that differ.
 */
public final class ModelDirectory {

  public static final String MODEL_JSON = "model.json";
  public static final String TOKENIZER_JSON = "tokenizer.json";
  public static final String METRICS_JSON = "metrics.json";
  public static final String FORMAT = "graphpaint-model";
  public static final int FORMAT_VERSION = 1;

  static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
          // read-only list properties such as CLIP's "architectures" must not be filled through getters
          .disable(com.fasterxml.jackson.databind.MapperFeature.USE_GETTERS_AS_SETTERS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private ModelDirectory() {}

  public static String weightsFile(String component) {
    return component + ".safetensors";
  }

  /**
   * Writes {@code model} to {@code directory} (created if needed; files replaced).
   *
   * @param training the training configuration to record (any JSON), may be null
   * @param metrics numbers to record in metrics.json, may be empty
   */
  public static void save(GraphPaintModel model, Path directory, JsonNode training, Map<String, ?> metrics) {
    try {
      Files.createDirectories(directory);
      for (String component : GraphPaintModel.SAMPLING_COMPONENTS) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        String prefix = component + ".";
        model.parameters().arrays(List.of(component)).forEach((name, array) -> arrays.put(name.substring(prefix.length()), array));
        SafetensorsFile.write(directory.resolve(weightsFile(component)), arrays);
      }
      Files.write(directory.resolve(TOKENIZER_JSON), model.tokenizerJson());
      ObjectNode root = JSON.createObjectNode();
      root.put("format", FORMAT);
      root.put("formatVersion", FORMAT_VERSION);
      root.put("graphpaintVersion", version());
      root.put("djlVersion", ai.djl.engine.Engine.getDjlVersion());
      root.put("createdAt", Instant.now().toString());
      root.put("fusionMode", model.config().fusion().mode().name());
      root.set("architecture", JSON.valueToTree(model.config()));
      root.set("vocabulary", JSON.readTree(model.vocabulary().toJson()));
      root.set("sampling", JSON.valueToTree(model.config().sampling()));
      ObjectNode weights = root.putObject("weights");
      for (String component : GraphPaintModel.SAMPLING_COMPONENTS) {
        weights.put(component, weightsFile(component));
      }
      root.set("training", training == null ? JSON.nullNode() : training);
      Files.writeString(directory.resolve(MODEL_JSON), JSON.writeValueAsString(root));
      Files.write(directory.resolve(METRICS_JSON), JSON.writeValueAsBytes(metrics));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write model directory " + directory, e);
    }
  }

  /** The architecture recorded in {@code directory}'s model.json. */
  public static ModelConfig readConfig(Path directory) {
    return readManifest(directory).config;
  }

  /** The scene-graph vocabulary recorded in {@code directory}'s model.json. */
  public static Vocabulary readVocabulary(Path directory) {
    return readManifest(directory).vocabulary;
  }

  /** Loads a model exactly as model.json describes it. */
  public static GraphPaintModel load(Path directory, NDManager parent) {
    Manifest manifest = readManifest(directory);
    return loadWeights(directory, manifest, parent);
  }

  /**
   * Loads a model that must have {@code expectedConfig} and {@code expectedVocabulary} (e.g. to
   * continue training, or for a worker pinned to one architecture).
   *
   * @throws IllegalArgumentException listing every differing field
   */
  public static GraphPaintModel load(
      Path directory, NDManager parent, ModelConfig expectedConfig, Vocabulary expectedVocabulary) {
    Manifest manifest = readManifest(directory);
    List<String> differences = new ArrayList<>();
    diff("architecture", JSON.valueToTree(expectedConfig), JSON.valueToTree(manifest.config), differences);
    try {
      diff("vocabulary", JSON.readTree(expectedVocabulary.toJson()), JSON.readTree(manifest.vocabulary.toJson()), differences);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(
          "model in " + directory + " does not match what is expected (" + differences.size()
              + " differences, shown as expected vs found): "
              + String.join("; ", differences.subList(0, Math.min(25, differences.size())))
              + (differences.size() > 25 ? "; ..." : ""));
    }
    return loadWeights(directory, manifest, parent);
  }

  private record Manifest(ModelConfig config, Vocabulary vocabulary, byte[] tokenizer) {}

  private static Manifest readManifest(Path directory) {
    Path modelJson = directory.resolve(MODEL_JSON);
    if (!Files.isRegularFile(modelJson)) {
      throw new IllegalArgumentException("not a graphpaint model directory (no " + MODEL_JSON + "): " + directory);
    }
    try {
      JsonNode root = JSON.readTree(modelJson.toFile());
      if (!FORMAT.equals(root.path("format").asText())) {
        throw new IllegalArgumentException(modelJson + " is not a " + FORMAT + " file (format = " + root.path("format") + ")");
      }
      int version = root.path("formatVersion").asInt(-1);
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            modelJson + " has formatVersion " + version + "; this graphpaint reads version " + FORMAT_VERSION);
      }
      ModelConfig config = JSON.treeToValue(root.get("architecture"), ModelConfig.class);
      Vocabulary vocabulary = Vocabulary.fromJson(JSON.writeValueAsBytes(root.get("vocabulary")));
      Path tokenizer = directory.resolve(TOKENIZER_JSON);
      if (!Files.isRegularFile(tokenizer)) {
        throw new IllegalArgumentException("model directory " + directory + " lacks " + TOKENIZER_JSON);
      }
      return new Manifest(config, vocabulary, Files.readAllBytes(tokenizer));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + modelJson + ": " + e.getMessage(), e);
    }
  }

  private static GraphPaintModel loadWeights(Path directory, Manifest manifest, NDManager parent) {
    GraphPaintModel model = GraphPaintModel.create(manifest.config, manifest.vocabulary, manifest.tokenizer, parent);
    try (NDManager scratch = parent.newSubManager()) {
      for (String component : GraphPaintModel.SAMPLING_COMPONENTS) {
        Path file = directory.resolve(weightsFile(component));
        Map<String, NDArray> prefixed = new LinkedHashMap<>();
        SafetensorsFile.read(file, scratch).forEach((name, array) -> prefixed.put(component + "." + name, array));
        model.parameters().load(prefixed, List.of(component), file.toString());
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /** Collects {@code path: expected vs found} for every leaf that differs. */
  static void diff(String path, JsonNode expected, JsonNode found, List<String> out) {
    if (expected == null || found == null || expected.isMissingNode() || found.isMissingNode()) {
      if (!(expected == null || expected.isMissingNode()) || !(found == null || found.isMissingNode())) {
        out.add(path + ": " + render(expected) + " vs " + render(found));
      }
      return;
    }
    if (expected.isObject() && found.isObject()) {
      java.util.TreeSet<String> names = new java.util.TreeSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      found.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        diff(path + "." + name, expected.get(name), found.get(name), out);
      }
      return;
    }
    if (expected.isArray() && found.isArray() && expected.size() == found.size() && containsContainers(expected)) {
      for (int i = 0; i < expected.size(); i++) {
        diff(path + "[" + i + "]", expected.get(i), found.get(i), out);
      }
      return;
    }
    if (!expected.equals(found)) {
      out.add(path + ": " + render(expected) + " vs " + render(found));
    }
  }

  private static boolean containsContainers(JsonNode array) {
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      if (it.next().isContainerNode()) {
        return true;
      }
    }
    return false;
  }

  private static String render(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "(absent)";
    }
    String text = node.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  private static String version() {
    String version = ModelDirectory.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
