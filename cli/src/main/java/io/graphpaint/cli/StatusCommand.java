package io.graphpaint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code graphpaint status <id>}: one request's state, progress, images or error. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the state of a generation request (SUBMITTED, RUNNING, COMPLETED, FAILED, CANCELLED).")
final class StatusCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ID", description = "The request id `submit` printed.")
  String requestId;

  @Option(names = "--json", description = "Print the orchestrator's JSON answer as is.")
  boolean json;

  @Mixin
  ApiOptions api;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    JsonNode status = api.client().status(requestId);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(OrchestratorClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status));
      return 0;
    }
    out.println(requestId + ": " + summary(status));
    for (JsonNode image : status.path("images")) {
      out.println("  image " + image.path("index").asInt() + "  " + image.path("width").asInt() + "x"
          + image.path("height").asInt() + "  seed " + image.path("seed").asText() + "  s3://"
          + image.path("bucket").asText() + "/" + image.path("key").asText());
    }
    return 0;
  }

  /** "RUNNING step 10/50 (worker w-1)", "COMPLETED 2 images (model v3)", "FAILED UNKNOWN_LABEL: ...". */
  static String summary(JsonNode status) {
    String state = status.path("state").asText("UNKNOWN");
    StringBuilder text = new StringBuilder(state);
    JsonNode progress = status.path("progress");
    if (state.equals("RUNNING") && progress.path("totalSteps").asInt() > 0) {
      text.append(" step ").append(progress.path("step").asInt()).append('/').append(progress.path("totalSteps").asInt());
    }
    if (state.equals("COMPLETED")) {
      text.append(' ').append(status.path("images").size()).append(" image(s)");
    }
    if (status.hasNonNull("modelVersion")) {
      text.append(" (model ").append(status.get("modelVersion").asText()).append(')');
    }
    if (status.hasNonNull("workerId")) {
      text.append(" on ").append(status.get("workerId").asText());
    }
    text.append(OrchestratorClient.describeError(status));
    return text.toString();
  }
}
