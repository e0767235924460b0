package io.graphpaint.schemas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A small in-memory implementation of the Confluent registry REST API for unit tests of the
 * client and the serdes: it records every request, so tests can assert what went over the wire.
 * BACKWARD compatibility is checked with Avro's own {@link SchemaCompatibility}. Integration tests
 * use the real registry of the devstack instead.
 */
public final class InMemoryRegistryServer implements AutoCloseable {

  /** One request as received. */
  public record Request(String method, String path, String contentType, String accept, String authorization,
      String body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
  private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");
  private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
  private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
  private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest");
  private static final Pattern CONFIG = Pattern.compile("/config/([^/]+)");

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();
  private final Map<String, String> compatibilityBySubject = new HashMap<>();
  private volatile String requiredAuthorization;
  private int failuresLeft;
  private int failureStatus;
  private int nextId = 1;

  public InMemoryRegistryServer() throws IOException {
    this(null);
  }

  /** Serves https with {@code tls} when given, http otherwise. */
  public InMemoryRegistryServer(javax.net.ssl.SSLContext tls) throws IOException {
    if (tls == null) {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } else {
      com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
          new InetSocketAddress("127.0.0.1", 0), 0);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
      server = https;
    }
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return (server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http") + "://127.0.0.1:"
        + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Answer 401 unless the request carries this {@code Authorization} header. */
  public void requireAuthorization(String header) {
    this.requiredAuthorization = header;
  }

  /** Answer the next {@code count} requests with {@code status} (a registry's internal error, say). */
  public synchronized void failNext(int count, int status) {
    this.failuresLeft = count;
    this.failureStatus = status;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    requests.add(new Request(method, path + (exchange.getRequestURI().getRawQuery() == null ? ""
        : "?" + exchange.getRequestURI().getRawQuery()),
        exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Accept"),
        exchange.getRequestHeaders().getFirst("Authorization"), body));
    try {
      if (failuresLeft > 0) {
        failuresLeft--;
        error(exchange, failureStatus, 50001, "injected failure");
        return;
      }
      if (requiredAuthorization != null
          && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        error(exchange, 401, 401, "Unauthorized");
        return;
      }
      Matcher m;
      if (method.equals("POST") && (m = VERSIONS.matcher(path)).matches()) {
        register(exchange, decode(m.group(1)), schemaOf(body));
      } else if (method.equals("GET") && (m = LATEST.matcher(path)).matches()) {
        latest(exchange, decode(m.group(1)));
      } else if (method.equals("POST") && (m = SUBJECT.matcher(path)).matches()) {
        lookup(exchange, decode(m.group(1)), schemaOf(body));
      } else if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
        String schema = schemasById.get(Integer.parseInt(m.group(1)));
        if (schema == null) {
          error(exchange, 404, 40403, "Schema " + m.group(1) + " not found");
        } else {
          ok(exchange, JSON.createObjectNode().put("schema", schema));
        }
      } else if (method.equals("POST") && (m = COMPATIBILITY.matcher(path)).matches()) {
        String subject = decode(m.group(1));
        if (!versionsBySubject.containsKey(subject)) {
          error(exchange, 404, 40401, "Subject '" + subject + "' not found.");
          return;
        }
        List<String> problems = problems(subject, schemaOf(body));
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        problems.forEach(answer.putArray("messages")::add);
        ok(exchange, answer);
      } else if (method.equals("PUT") && (m = CONFIG.matcher(path)).matches()) {
        String level = JSON.readTree(body).path("compatibility").asText();
        compatibilityBySubject.put(decode(m.group(1)), level);
        ok(exchange, JSON.createObjectNode().put("compatibility", level));
      } else if (method.equals("GET") && (m = CONFIG.matcher(path)).matches()) {
        String level = compatibilityBySubject.get(decode(m.group(1)));
        if (level == null) {
          error(exchange, 404, 40408, "Subject does not have subject-level compatibility configured");
        } else {
          ok(exchange, JSON.createObjectNode().put("compatibilityLevel", level));
        }
      } else {
        error(exchange, 404, 404, "no route " + method + " " + path);
      }
    } catch (RuntimeException e) {
      error(exchange, 422, 42201, "Invalid schema: " + e.getMessage());
    }
  }

  private void register(HttpExchange exchange, String subject, Schema schema) throws IOException {
    Integer existing = find(subject, schema);
    if (existing != null) {
      ok(exchange, JSON.createObjectNode().put("id", existing));
      return;
    }
    List<String> problems = versionsBySubject.containsKey(subject) ? problems(subject, schema) : List.of();
    if (!problems.isEmpty()) {
      error(exchange, 409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
          + subject + "\", details: " + problems);
      return;
    }
    int id = schemasById.entrySet().stream().filter(e -> new Schema.Parser().parse(e.getValue()).equals(schema))
        .map(Map.Entry::getKey).findFirst().orElseGet(() -> {
          schemasById.put(nextId, schema.toString());
          return nextId++;
        });
    versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    ok(exchange, JSON.createObjectNode().put("id", id));
  }

  private void lookup(HttpExchange exchange, String subject, Schema schema) throws IOException {
    if (!versionsBySubject.containsKey(subject)) {
      error(exchange, 404, 40401, "Subject '" + subject + "' not found.");
      return;
    }
    Integer id = find(subject, schema);
    if (id == null) {
      error(exchange, 404, 40403, "Schema not found");
      return;
    }
    ok(exchange, JSON.createObjectNode().put("subject", subject).put("id", id)
        .put("version", versionsBySubject.get(subject).indexOf(id) + 1).put("schema", schemasById.get(id)));
  }

  private void latest(HttpExchange exchange, String subject) throws IOException {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null) {
      error(exchange, 404, 40401, "Subject '" + subject + "' not found.");
      return;
    }
    int id = versions.get(versions.size() - 1);
    ok(exchange, JSON.createObjectNode().put("subject", subject).put("id", id).put("version", versions.size())
        .put("schema", schemasById.get(id)));
  }

  private Integer find(String subject, Schema schema) {
    for (int id : versionsBySubject.getOrDefault(subject, List.of())) {
      if (new Schema.Parser().parse(schemasById.get(id)).equals(schema)) {
        return id;
      }
    }
    return null;
  }

  /** BACKWARD (the default) against the latest version: the new schema must read the latest's data. */
  private List<String> problems(String subject, Schema candidate) {
    if ("NONE".equals(compatibilityBySubject.get(subject))) {
      return List.of();
    }
    List<Integer> versions = versionsBySubject.get(subject);
    Schema latest = new Schema.Parser().parse(schemasById.get(versions.get(versions.size() - 1)));
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(candidate, latest);
    List<String> problems = new ArrayList<>();
    result.getResult().getIncompatibilities().forEach(i -> problems.add(i.getType() + " at " + i.getLocation()
        + ": " + i.getMessage()));
    return problems;
  }

  private static Schema schemaOf(String body) throws IOException {
    JsonNode request = JSON.readTree(body);
    return new Schema.Parser().parse(request.path("schema").asText());
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  private static void ok(HttpExchange exchange, JsonNode body) throws IOException {
    send(exchange, 200, body);
  }

  private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
    send(exchange, status, JSON.createObjectNode().put("error_code", code).put("message", message));
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
