package io.graphpaint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line in-process: parsing, help on every command, the one-line error contract
 * (exit 2 for a wrong command line, 1 for a failed run, no stack trace unless --verbose), and
 * submit / status / fetch over real HTTP against a scripted orchestrator endpoint.
 */
class CommandLineTest {

  @TempDir
  Path temp;

  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** One run: exit code, stdout, stderr. */
  record Run(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Run run(CommandLine commandLine, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run run(String... args) {
    return run(Graphpaint.newCommandLine(), args);
  }

  @Test
  void topLevelHelpListsEveryCommand() {
    Run run = run("--help");
    assertThat(run.exitCode()).isZero();
    for (String command : List.of("up", "submit", "status", "fetch", "dataset", "train", "eval", "bench", "worker",
        "orchestrator", "training-worker", "config-docs")) {
      assertThat(run.out()).containsPattern("(?m)^  " + command + "\\s");
    }
  }

  @Test
  void everyCommandAndSubcommandHasHelp() {
    List<String> paths = new ArrayList<>();
    collect(Graphpaint.newCommandLine(), List.of(), paths);
    assertThat(paths).contains("up", "dataset make", "dataset publish", "bench serde", "bench storage", "bench training",
        "bench model", "bench compare");
    for (String path : paths) {
      List<String> args = new ArrayList<>(List.of(path.split(" ")));
      args.add("--help");
      Run run = run(args.toArray(String[]::new));
      assertThat(run.exitCode()).as(path + " --help").isZero();
      assertThat(run.out()).as(path + " --help").startsWith("Usage: graphpaint " + path);
      assertThat(run.err()).as(path + " --help").isEmpty();
    }
  }

  private static void collect(CommandLine commandLine, List<String> prefix, List<String> out) {
    commandLine.getSubcommands().forEach((name, sub) -> {
      if (name.equals("help")) {
        return;
      }
      List<String> path = new ArrayList<>(prefix);
      path.add(name);
      out.add(String.join(" ", path));
      collect(sub, path, out);
    });
  }

  @Test
  void unknownCommandIsOneLineAndExitTwo() {
    Run run = run("paint");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("graphpaint: Unmatched argument at index 0: 'paint'").contains("--help");
  }

  @Test
  void missingParameterNamesIt() {
    Run run = run("submit");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly(
        "graphpaint submit: Missing required parameter: 'GRAPH' (see 'graphpaint submit --help')");
  }

  @Test
  void badOptionValuesAreRefusedWithTheAllowedRange() {
    assertThat(run("submit", "g.json", "--images", "9").errLines()).singleElement().asString()
        .isEqualTo("graphpaint submit: --images must be within [1, 8], got 9");
    Run workers = run("up", "--workers", "13");
    assertThat(workers.exitCode()).isEqualTo(2);
    assertThat(workers.errLines()).containsExactly(
        "graphpaint up: --workers must be within [0, 12] (graphpaint.requests has 12 partitions), got 13");
    assertThat(run("up", "--device", "tpu").errLines()).containsExactly(
        "graphpaint up: --device must be auto, cpu or gpu:N, got 'tpu'");
    Run notNumber = run("up", "--http-port", "eighty");
    assertThat(notNumber.exitCode()).isEqualTo(2);
    assertThat(notNumber.errLines()).singleElement().asString()
        .startsWith("graphpaint up: Invalid value for option '--http-port': 'eighty' is not an int");
  }

  @Test
  void benchCompareNamesWhatIsMissing() {
    Run missing = run("bench", "compare", "--dataset", temp.toString(), "--a", temp + ":full");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("graphpaint bench compare: --dataset, --a OUT:MODEL and --b OUT:MODEL are required");
    Run noSide = run("bench", "compare", "--dataset", temp.toString(), "--a", "full", "--b", temp + ":text");
    assertThat(noSide.exitCode()).isEqualTo(2);
    assertThat(noSide.err()).contains("--a takes OUT:MODEL (a bench model output directory and one of its model rows)");
  }

  @Test
  void trainExportAndImportNeedOnlyTheirOwnOptionsAndNameWhatIsWrong() throws IOException {
    Run trainAlone = run("train", "--run", temp.toString());
    assertThat(trainAlone.exitCode()).isEqualTo(2);
    assertThat(trainAlone.errLines()).containsExactly(
        "graphpaint train: Missing required options: '--dataset=DIR' (see 'graphpaint train --help')");
    Run badStage = run("train", "export", "--run", temp.toString(), "--stage", "9", "--out", temp.resolve("m").toString());
    assertThat(badStage.exitCode()).isEqualTo(2);
    assertThat(badStage.errLines()).containsExactly("graphpaint train export: stage must be one of 0a-clip, "
        + "0b-text-to-image, 1-alignment, 2-fine-tuning (or 0a, 0b, 1, 2), got '9'");
    Run notARun = run("train", "export", "--run", temp.toString(), "--stage", "0b", "--out", temp.resolve("m").toString(),
        "--fusion", "text_only");
    assertThat(notARun.exitCode()).isEqualTo(1);
    assertThat(notARun.errLines()).containsExactly("graphpaint train export: --run " + temp
        + " is not a training run directory (needs architecture.json and tokenizer.json)");
    Run notAModel = run("train", "import", "--model", temp.toString(), "--out", temp.resolve("imported").toString());
    assertThat(notAModel.exitCode()).isEqualTo(1);
    assertThat(notAModel.errLines()).containsExactly("graphpaint train import: not a graphpaint model directory (no "
        + "model.json): " + temp);
    assertThat(temp.resolve("imported")).doesNotExist();
    Run importShipped = run("train", "import", "--model", Home.defaultModel().toString(), "--out",
        temp.resolve("shipped").toString());
    assertThat(importShipped.exitCode()).isEqualTo(0);
    assertThat(temp.resolve("shipped").resolve("stages").resolve("1-alignment").resolve("final.safetensors"))
        .isRegularFile();
    Run intoFull = run("train", "import", "--model", Home.defaultModel().toString(), "--out",
        temp.resolve("shipped").toString());
    assertThat(intoFull.exitCode()).isEqualTo(1);
    assertThat(intoFull.errLines()).containsExactly("graphpaint train import: --out " + temp.resolve("shipped")
        + " is not empty; it must be a new or empty directory");
    Path dataset = temp.resolve("dataset");
    java.nio.file.Files.createDirectories(dataset);
    java.nio.file.Files.writeString(dataset.resolve("manifest.jsonl"), "");
    Run badExtend = run("train", "--dataset", dataset.toString(), "--run", temp.resolve("r").toString(), "--extend", "0b");
    assertThat(badExtend.exitCode()).isEqualTo(2);
    assertThat(badExtend.errLines()).containsExactly("graphpaint train: --extend takes STAGE=STEPS[,STAGE=STEPS...], "
        + "e.g. 0b=4000,2=2000; got '0b'");
    Run badLabelDropout = run("train", "--dataset", dataset.toString(), "--run", temp.resolve("r").toString(),
        "--label-dropout", "1.5");
    assertThat(badLabelDropout.exitCode()).isEqualTo(2);
    assertThat(badLabelDropout.errLines()).containsExactly("graphpaint train: --label-dropout must be within [0, 1) "
        + "(the share of stage-2 samples conditioned on graph tokens alone; 0 = off), got 1.5");
  }

  @Test
  void missingGraphFileIsNamed() {
    Run run = run("submit", temp.resolve("nope.json").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("graphpaint submit: graph file " + temp.resolve("nope.json")
        + " does not exist or is not a file");
  }

  @Test
  void unreachableOrchestratorIsOneLineWithoutStackTraceUnlessVerbose() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;
    Run quiet = run("status", "r1", "--url", url);
    assertThat(quiet.exitCode()).isEqualTo(1);
    assertThat(quiet.errLines()).containsExactly("graphpaint status: cannot reach the orchestrator at " + url
        + " (status of r1): is `graphpaint up` running? Set --url or GRAPHPAINT_URL to point elsewhere");

    Run verbose = run("--verbose", "status", "r1", "--url", url);
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.errLines().get(0)).isEqualTo(quiet.errLines().get(0));
    assertThat(verbose.err()).contains("\tat io.graphpaint.cli.OrchestratorClient.send");
  }

  @Test
  void urlFromTheEnvironmentIsChecked() {
    CommandLine commandLine = Graphpaint.newCommandLine();
    StatusCommand status = commandLine.getSubcommands().get("status").getCommand();
    status.api.environment = Map.of(ApiOptions.URL_ENVIRONMENT, "ftp://x");
    Run run = run(commandLine, "status", "r1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("graphpaint status: $GRAPHPAINT_URL must be an http(s)://host[:port] URL, got 'ftp://x'");
  }

  @Test
  void workerConfigurationErrorsNameTheKey() throws IOException {
    CommandLine commandLine = Graphpaint.newCommandLine();
    ServiceCommands.Worker worker = commandLine.getSubcommands().get("worker").getCommand();
    worker.environment = Map.of("GRAPHPAINT_WORKER_BATCH_MAX_SIZE", "0");
    Run run = run(commandLine, "worker", "--check");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("graphpaint worker: invalid worker configuration: ")
        .contains("graphpaint.worker.batch.max.size");

    Path file = temp.resolve("worker.properties");
    Files.writeString(file, "graphpaint.kafka.bootstrap.servers=kafka:9092\n");
    Run wrongKey = run("worker", "--check", "--config", file.toString());
    assertThat(wrongKey.exitCode()).isEqualTo(2);
    assertThat(wrongKey.errLines()).containsExactly("graphpaint worker: --config " + file
        + ": key 'graphpaint.kafka.bootstrap.servers' is not a worker key (they start with graphpaint.worker.)");
  }

  @Test
  void workerCheckAcceptsAValidConfiguration() throws IOException {
    Path file = temp.resolve("worker.properties");
    Files.writeString(file, "graphpaint.worker.kafka.bootstrap.servers=kafka:9092\ngraphpaint.worker.batch.max.size=4\n");
    CommandLine commandLine = Graphpaint.newCommandLine();
    ServiceCommands.Worker worker = commandLine.getSubcommands().get("worker").getCommand();
    worker.environment = Map.of("GRAPHPAINT_S3_ENDPOINT", "http://minio:9000", "GRAPHPAINT_S3_ACCESS_KEY", "a",
        "GRAPHPAINT_S3_SECRET_KEY", "s3cr3t-value");
    Run run = run(commandLine, "worker", "--check", "--config", file.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  @Test
  void orchestratorCheckNamesTheMissingBootstrapServers() {
    CommandLine commandLine = Graphpaint.newCommandLine();
    ServiceCommands.Orchestrator orchestrator = commandLine.getSubcommands().get("orchestrator").getCommand();
    orchestrator.environment = Map.of("GRAPHPAINT_SCHEMA_REGISTRY_URL", "http://r:8081");
    Run run = run(commandLine, "orchestrator", "--check");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("graphpaint orchestrator: invalid orchestrator configuration: ")
        .contains("graphpaint.kafka.bootstrap.servers");
  }

  @Test
  void submitWaitAndFetchAgainstAnHttpEndpoint() throws IOException {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
    AtomicInteger polls = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/v1/generations", exchange -> {
      String path = exchange.getRequestURI().getPath();
      if (exchange.getRequestMethod().equals("POST") && path.equals("/v1/generations")) {
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        reply(exchange, 202, "{\"requestId\":\"req-1\",\"state\":\"SUBMITTED\"}");
      } else if (path.equals("/v1/generations/req-1")) {
        // two answers in flight, then the end
        if (polls.incrementAndGet() < 3) {
          reply(exchange, 200, "{\"requestId\":\"req-1\",\"state\":\"RUNNING\",\"terminal\":false,"
              + "\"progress\":{\"step\":" + polls.get() * 10 + ",\"totalSteps\":50}}");
        } else {
          reply(exchange, 200, "{\"requestId\":\"req-1\",\"state\":\"COMPLETED\",\"terminal\":true,\"modelVersion\":\"v1\","
              + "\"images\":[{\"index\":0,\"url\":\"" + base + "/blob/0\",\"bucket\":\"b\",\"key\":\"images/req-1/0.png\","
              + "\"width\":32,\"height\":32,\"seed\":7}]}");
        }
      } else {
        reply(exchange, 404, "{\"title\":\"Not found\",\"detail\":\"no request\"}");
      }
    });
    server.createContext("/blob/0", exchange -> {
      exchange.sendResponseHeaders(200, png.length);
      exchange.getResponseBody().write(png);
      exchange.close();
    });
    server.start();

    Path graph = temp.resolve("graph.json");
    Files.writeString(graph, "{\"objects\":[\"red circle\",\"blue square\"],\"relationships\":[[0,\"left of\",1]]}");
    Path out = temp.resolve("out");
    Run run = run("submit", graph.toString(), "--images", "1", "--seed", "7", "--out", out.toString(), "--url", base);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().toList()).containsExactly("req-1", out.resolve("req-1-0.png").toString());
    assertThat(Files.readAllBytes(out.resolve("req-1-0.png"))).isEqualTo(png);
    assertThat(run.err()).contains("req-1: RUNNING step 10/50").contains("req-1: COMPLETED 1 image(s) (model v1)");
    // the options turned the bare graph into a full request
    assertThat(bodies).singleElement().asString()
        .contains("\"graph\":{\"objects\":[\"red circle\",\"blue square\"]").contains("\"numImages\":1").contains("\"seed\":7");

    Run status = run("status", "req-1", "--url", base);
    assertThat(status.out()).startsWith("req-1: COMPLETED 1 image(s) (model v1)")
        .contains("image 0  32x32  seed 7  s3://b/images/req-1/0.png");

    Run unknown = run("fetch", "other", "--url", base, "--out", temp.toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.errLines()).containsExactly("graphpaint fetch: status of other failed: HTTP 404 Not found: no request");
  }

  @Test
  void problemAnswersBecomeOneLineWithTheFieldErrors() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/generations", exchange -> reply(exchange, 422,
        "{\"type\":\"urn:graphpaint:problem:invalid-request\",\"title\":\"Invalid request\",\"status\":422,"
            + "\"detail\":\"the request is invalid\",\"errors\":[{\"field\":\"graph.objects[0]\",\"rule\":\"unknown label 'sky'\"}]}"));
    server.start();
    Path graph = temp.resolve("graph.json");
    Files.writeString(graph, "{\"objects\":[\"sky\"],\"relationships\":[]}");
    Run run = run("submit", graph.toString(), "--url", "http://127.0.0.1:" + server.getAddress().getPort());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("graphpaint submit: submit failed: HTTP 422 Invalid request: "
        + "the request is invalid [graph.objects[0]: unknown label 'sky']");
  }

  @Test
  void notJsonIsRefusedBeforeAnythingIsSent() throws IOException {
    Path graph = temp.resolve("graph.json");
    Files.writeString(graph, "objects: [sky]");
    Run run = run("submit", graph.toString(), "--images", "2", "--url", "http://127.0.0.1:9");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString().startsWith("graphpaint submit: " + graph + " is not valid JSON: ");
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
