package io.graphpaint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Keeps the development registry's schema ids across restarts of {@code up}. The embedded registry
 * holds schemas in memory, but Kafka records and the orchestrator's state stores on disk carry
 * schema ids: {@code up} saves every (subject, version, id, schema) when it stops and registers
 * them again, in id order, when it starts, which gives the same ids on the same kind of registry
 * (ids are handed out in sequence). A changed id is reported, not hidden.
 */
final class RegistrySnapshot {

  static final String FILE = "registry-schemas.json";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  record Entry(String subject, int version, int id, String schema) {}

  private RegistrySnapshot() {}

  /** Every registered schema version, sorted by id. */
  static List<Entry> read(String registryUrl) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    List<Entry> entries = new ArrayList<>();
    for (JsonNode subject : get(http, registryUrl + "/subjects")) {
      String name = subject.asText();
      for (JsonNode version : get(http, registryUrl + "/subjects/" + encode(name) + "/versions")) {
        JsonNode answer = get(http, registryUrl + "/subjects/" + encode(name) + "/versions/" + version.asInt());
        entries.add(new Entry(name, version.asInt(), answer.path("id").asInt(), answer.path("schema").asText()));
      }
    }
    entries.sort(Comparator.comparingInt(Entry::id).thenComparing(Entry::subject).thenComparingInt(Entry::version));
    return entries;
  }

  static void save(String registryUrl, Path dataDir) throws IOException, InterruptedException {
    List<Entry> entries = read(registryUrl);
    ArrayNode array = OrchestratorClient.JSON.createArrayNode();
    for (Entry entry : entries) {
      ObjectNode node = array.addObject();
      node.put("subject", entry.subject());
      node.put("version", entry.version());
      node.put("id", entry.id());
      node.put("schema", entry.schema());
    }
    Files.createDirectories(dataDir);
    Path partial = dataDir.resolve(FILE + ".part");
    OrchestratorClient.JSON.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), array);
    Files.move(partial, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Registers the saved schemas again in id order; returns one line per schema whose id changed
   * (empty when all match or nothing was saved).
   */
  static List<String> restore(String registryUrl, Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    List<String> changed = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return changed;
    }
    JsonNode saved = OrchestratorClient.JSON.readTree(file.toFile());
    try (SchemaRegistryClient registry = SchemaRegistryClient.create(registryUrl)) {
      for (JsonNode node : saved) {
        Schema schema = new Schema.Parser().parse(node.path("schema").asText());
        int id = registry.register(node.path("subject").asText(), schema);
        if (id != node.path("id").asInt()) {
          changed.add(node.path("subject").asText() + " v" + node.path("version").asInt() + ": id "
              + node.path("id").asInt() + " is now " + id);
        }
      }
    }
    return changed;
  }

  private static JsonNode get(HttpClient http, String url) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
        .header("Accept", SchemaRegistryClient.CONTENT_TYPE).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + url + " answered HTTP " + response.statusCode());
    }
    return OrchestratorClient.JSON.readTree(response.body());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
