package io.graphpaint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code graphpaint fetch <id> [--out DIR]}: the images of a completed request as PNG files. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = "Download the images of a completed request as <id>-<n>.png and print their paths.")
final class FetchCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ID", description = "The request id.")
  String requestId;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = ".",
      description = "Directory to write into (default: the current one).")
  Path out;

  @Option(names = "--wait", description = "Wait for the request to finish first.")
  boolean await;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Longest wait with --wait, in seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Mixin
  ApiOptions api;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    OrchestratorClient client = api.client();
    if (await) {
      return SubmitCommand.awaitAndReport(client, requestId, Duration.ofSeconds(timeoutSeconds), out,
          spec.commandLine().getErr(), spec.commandLine().getOut());
    }
    JsonNode status = client.status(requestId);
    client.downloadImages(status, out).forEach(spec.commandLine().getOut()::println);
    return 0;
  }
}
