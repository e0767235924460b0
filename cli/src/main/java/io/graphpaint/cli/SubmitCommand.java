package io.graphpaint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code graphpaint submit graph.json [--wait] [--out DIR]}: one generation request through the HTTP API. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {
        "Submit a scene graph for generation through the orchestrator's HTTP API and print its request id.",
        "GRAPH is the sg2im form {\"objects\": [...], \"relationships\": [[s, \"pred\", o], ...]} or a full request "
            + "{\"graph\": ..., \"numImages\": 2, ...}; '-' reads standard input."})
final class SubmitCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "GRAPH", description = "Scene graph or request JSON file, or '-' for stdin.")
  String graph;

  @Option(names = "--id", paramLabel = "ID",
      description = "Request id (the idempotency key, [A-Za-z0-9._-]{1,128}); default: chosen by the orchestrator.")
  String requestId;

  @Option(names = {"-n", "--images"}, paramLabel = "N", description = "Images to generate (1-8).")
  Integer images;

  @Option(names = "--seed", description = "Seed of the first image (default: chosen and recorded).")
  Long seed;

  @Option(names = "--steps", description = "DDIM steps (default: the model's).")
  Integer steps;

  @Option(names = "--guidance", paramLabel = "SCALE", description = "Classifier-free guidance scale (default: the model's).")
  Double guidance;

  @Option(names = "--wait", description = "Wait until the request is completed, failed or cancelled.")
  boolean await;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Longest wait with --wait or --out, in seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR",
      description = "Download the images into DIR when done (implies --wait).")
  Path out;

  @Mixin
  ApiOptions api;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (images != null && (images < 1 || images > 8)) {
      throw new CliException("--images must be within [1, 8], got " + images, 2, null);
    }
    if (timeoutSeconds < 1) {
      throw new CliException("--timeout must be >= 1 second, got " + timeoutSeconds, 2, null);
    }
    byte[] body = requestBody(readInput());
    OrchestratorClient client = api.client();
    PrintWriter out = spec.commandLine().getOut();
    JsonNode accepted = client.submit(body, Optional.ofNullable(requestId));
    String id = accepted.path("requestId").asText();
    out.println(id);
    out.flush();
    if (!await && this.out == null) {
      return 0;
    }
    return awaitAndReport(client, id, Duration.ofSeconds(timeoutSeconds), this.out, spec.commandLine().getErr(), out);
  }

  /** Waits for {@code id}, prints its progress on {@code err}, downloads its images to {@code dir} when given. */
  static int awaitAndReport(OrchestratorClient client, String id, Duration timeout, Path dir, PrintWriter err,
      PrintWriter out) {
    JsonNode status = client.await(id, timeout, change -> {
      err.println("  " + id + ": " + StatusCommand.summary(change));
      err.flush();
    });
    if (!"COMPLETED".equals(status.path("state").asText())) {
      throw new CliException("request " + id + " ended " + status.path("state").asText()
          + OrchestratorClient.describeError(status));
    }
    if (dir != null) {
      List<Path> files = client.downloadImages(status, dir);
      files.forEach(file -> out.println(file));
      out.flush();
    }
    return 0;
  }

  private byte[] readInput() {
    try {
      if (graph.equals("-")) {
        return System.in.readAllBytes();
      }
      Path file = Path.of(graph);
      if (!Files.isRegularFile(file)) {
        throw new CliException("graph file " + file + " does not exist or is not a file", 2, null);
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliException("cannot read " + graph + ": " + Failures.oneLine(e), e);
    }
  }

  /** The body to send: the file as is, or turned into a full request when options add fields. */
  byte[] requestBody(byte[] input) {
    JsonNode root;
    try {
      root = OrchestratorClient.JSON.readTree(input);
    } catch (IOException e) {
      throw new CliException(graph + " is not valid JSON: " + Failures.oneLine(e), 2, e);
    }
    if (root == null || !root.isObject()) {
      throw new CliException(graph + " must hold a JSON object: a scene graph {\"objects\": [...], "
          + "\"relationships\": [...]} or a request {\"graph\": ...}", 2, null);
    }
    if (images == null && seed == null && steps == null && guidance == null) {
      return input;
    }
    ObjectNode request;
    if (root.has("graph")) {
      request = (ObjectNode) root;
    } else {
      request = OrchestratorClient.JSON.createObjectNode();
      request.set("graph", root);
    }
    if (images != null) {
      request.put("numImages", images);
    }
    if (seed != null) {
      request.put("seed", seed);
    }
    if (steps != null) {
      request.put("steps", steps);
    }
    if (guidance != null) {
      request.put("guidanceScale", guidance);
    }
    try {
      return OrchestratorClient.JSON.writeValueAsBytes(request);
    } catch (IOException e) {
      throw new CliException("cannot encode the request: " + Failures.oneLine(e), e);
    }
  }
}
