package io.graphpaint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The orchestrator's HTTP API as the CLI uses it: submit, read a status, wait for the end, download
 * the images. Problem answers ({@code application/problem+json}) become one {@link CliException}
 * line naming what was wrong.
 */
final class OrchestratorClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final Optional<String> token;
  private final HttpClient http;

  OrchestratorClient(URI base, Optional<String> token) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  URI base() {
    return base;
  }

  /** POSTs a scene graph or a full request; with {@code requestId} PUTs it under that id (idempotent). */
  JsonNode submit(byte[] body, Optional<String> requestId) {
    HttpRequest.Builder request = requestId
        .map(id -> builder("/v1/generations/" + encode(id)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)))
        .orElseGet(() -> builder("/v1/generations").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    return send(request.header("Content-Type", "application/json").build(), "submit");
  }

  /** The status of one request; a {@link CliException} when it is unknown. */
  JsonNode status(String requestId) {
    return send(builder("/v1/generations/" + encode(requestId)).GET().build(), "status of " + requestId);
  }

  JsonNode vocabulary() {
    return send(builder("/v1/vocabulary").GET().build(), "vocabulary");
  }

  JsonNode publishDatasetUpdate(String datasetId, byte[] body) {
    return send(builder("/v1/datasets/" + encode(datasetId) + "/updates")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), "dataset update");
  }

  /** True when {@code /ready} answers 200. */
  boolean isReady() {
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base.resolve("/ready"))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Polls the status until it is terminal or {@code timeout} passes; {@code onChange} sees every new
   * state or step.
   */
  JsonNode await(String requestId, Duration timeout, Consumer<JsonNode> onChange) {
    Instant deadline = Instant.now().plus(timeout);
    String last = "";
    while (true) {
      JsonNode status;
      try {
        status = status(requestId);
      } catch (CliException notYetVisible) {
        // a submission is acknowledged by Kafka before the status store has folded it
        if (!notYetVisible.getMessage().contains("404") || Instant.now().isAfter(deadline)) {
          throw notYetVisible;
        }
        sleep(200);
        continue;
      }
      String now = status.path("state").asText() + "/" + status.path("progress").path("step").asText();
      if (!now.equals(last)) {
        onChange.accept(status);
        last = now;
      }
      if (status.path("terminal").asBoolean(false)) {
        return status;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new CliException("request " + requestId + " is still " + status.path("state").asText()
            + " after " + timeout.toSeconds() + " s; see `graphpaint status " + requestId + "`");
      }
      sleep(200);
    }
  }

  /** Downloads every image of a completed status into {@code dir} as {@code <requestId>-<n>.png}. */
  List<Path> downloadImages(JsonNode status, Path dir) {
    String requestId = status.path("requestId").asText();
    String state = status.path("state").asText();
    if (!"COMPLETED".equals(state)) {
      throw new CliException("request " + requestId + " is " + state + describeError(status)
          + "; only completed requests have images");
    }
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (JsonNode image : status.path("images")) {
        String url = image.path("url").isTextual() ? image.path("url").asText() : null;
        if (url == null) {
          throw new CliException("image " + image.path("key").asText() + " of " + requestId
              + " has no download URL: the orchestrator runs without object storage (set GRAPHPAINT_S3_* for it)");
        }
        Path target = dir.resolve(requestId + "-" + image.path("index").asInt() + ".png");
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
          if (response.statusCode() != 200) {
            throw new CliException("downloading image " + image.path("index").asInt() + " of " + requestId
                + " failed with HTTP " + response.statusCode() + " (its presigned URL may have expired: run fetch again)");
          }
          Path partial = dir.resolve(target.getFileName() + ".part");
          Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        written.add(target);
      }
    } catch (IOException e) {
      throw new CliException("downloading the images of " + requestId + " into " + dir + " failed: "
          + Failures.oneLine(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while downloading the images of " + requestId);
    }
    return written;
  }

  static String describeError(JsonNode status) {
    JsonNode error = status.path("error");
    if (error.isObject()) {
      return " (" + error.path("code").asText() + ": " + error.path("message").asText() + ")";
    }
    return "";
  }

  private HttpRequest.Builder builder(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
    token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
    return builder;
  }

  private JsonNode send(HttpRequest request, String what) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new CliException("cannot reach the orchestrator at " + base + " (" + what + "): is `graphpaint up` "
          + "running? Set --url or GRAPHPAINT_URL to point elsewhere", e);
    } catch (HttpTimeoutException e) {
      throw new CliException("the orchestrator at " + base + " did not answer within "
          + REQUEST_TIMEOUT.toSeconds() + " s (" + what + ")", e);
    } catch (IOException e) {
      throw new CliException("talking to the orchestrator at " + base + " failed (" + what + "): "
          + Failures.oneLine(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted (" + what + ")");
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      throw new CliException(what + " failed: HTTP " + response.statusCode() + " " + problemText(body, response));
    }
    return body;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
    }
  }

  /** "Invalid request: the request is invalid [graph.objects[1]: unknown label 'x']". */
  static String problemText(JsonNode body, HttpResponse<?> response) {
    if (!body.isObject()) {
      String text = body.asText();
      return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
    StringBuilder text = new StringBuilder();
    text.append(body.path("title").asText("error"));
    if (body.hasNonNull("detail")) {
      text.append(": ").append(body.get("detail").asText());
    }
    List<String> errors = new ArrayList<>();
    for (JsonNode error : body.path("errors")) {
      errors.add(error.path("field").asText() + ": " + error.path("rule").asText());
    }
    if (!errors.isEmpty()) {
      text.append(" [").append(String.join("; ", errors)).append(']');
    }
    return text.toString();
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
