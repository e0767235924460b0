package io.graphpaint.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the orchestrator's HTTP API is: {@code --url}, else {@code $GRAPHPAINT_URL}, else the URL a
 * running {@code graphpaint up} recorded in {@code ./.graphpaint/up.properties}, else
 * {@code http://localhost:8080}. The API token comes only from the environment or a file.
 */
final class ApiOptions {

  static final String URL_ENVIRONMENT = "GRAPHPAINT_URL";
  /** The orchestrator's own key, so one environment serves both sides. */
  static final String TOKEN_ENVIRONMENT = "GRAPHPAINT_HTTP_AUTH_TOKEN";
  static final String DEFAULT_URL = "http://localhost:8080";

  @Option(names = "--url", paramLabel = "URL",
      description = "Orchestrator base URL (default: $" + URL_ENVIRONMENT + ", the running `up` in ./.graphpaint, or "
          + DEFAULT_URL + ").")
  URI url;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the API token (default: $" + TOKEN_ENVIRONMENT + ", if set).")
  Path tokenFile;

  Map<String, String> environment = System.getenv();

  OrchestratorClient client() {
    return new OrchestratorClient(resolveUrl(), token());
  }

  URI resolveUrl() {
    if (url != null) {
      return requireHttp(url, "--url");
    }
    String fromEnvironment = environment.get(URL_ENVIRONMENT);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      try {
        return requireHttp(URI.create(fromEnvironment.trim()), "$" + URL_ENVIRONMENT);
      } catch (IllegalArgumentException e) {
        throw new CliException("$" + URL_ENVIRONMENT + " is not a URL: '" + fromEnvironment + "'");
      }
    }
    return UpState.read(UpState.DEFAULT_DATA_DIR)
        .map(UpState::orchestratorUrl)
        .orElse(URI.create(DEFAULT_URL));
  }

  private static URI requireHttp(URI uri, String source) {
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new CliException(source + " must be an http(s)://host[:port] URL, got '" + uri + "'");
    }
    return uri;
  }

  Optional<String> token() {
    if (tokenFile != null) {
      try {
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
          throw new CliException("--token-file " + tokenFile + " is empty");
        }
        return Optional.of(token);
      } catch (IOException e) {
        throw new CliException("--token-file " + tokenFile + " cannot be read: " + Failures.oneLine(e), e);
      }
    }
    return Optional.ofNullable(environment.get(TOKEN_ENVIRONMENT)).filter(t -> !t.isBlank());
  }
}
