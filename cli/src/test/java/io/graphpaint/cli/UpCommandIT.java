package io.graphpaint.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code ./graphpaint up --sample-out out/}, run the way the launcher
 * runs it: the packaged executable ({@code target/graphpaint.jar} with {@code target/lib}) in its own
 * JVM. It starts the embedded broker, schema registry and S3 server, then the orchestrator, a
 * generation worker and the training worker as child JVMs, and writes the sample's PNG. While it is
 * up, one more request goes through the orchestrator's HTTP API to the worker and back; then a
 * SIGTERM (what Ctrl-C's SIGINT also triggers: the JVM's shutdown hooks) must stop everything it
 * started.
 *
 * <p>Only {@code --ports-any} is added to the README's command, so the run cannot collide with
 * anything else on the machine; the working directory is a fresh temporary directory, so the default
 * data dir {@code .graphpaint} and {@code out/} are new and private to this run.
 */
class UpCommandIT {

  private static final Duration UP_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(3);
  /** up stops the services (up to 40 s each when one hangs), then the broker, registry and S3 server. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);
  /** The shipped model (models/default) draws 32x32 images. */
  private static final int MODEL_IMAGE_SIZE = 32;
  /** A JVM ended by SIGTERM exits with 128 + 15 once its shutdown hooks have run. */
  private static final int EXIT_AFTER_SIGTERM = 143;

  private static final Pattern READY_LINE = Pattern.compile("^graphpaint is up in (\\d+) ms\\. Web page: (\\S+?)/?$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void upWritesTheSampleServesARequestEndToEndAndStopsEverythingItStarted(@TempDir Path workDir) throws Exception {
    Path root = RepositoryRoot.find();
    Path jar = Path.of(System.getProperty("graphpaint.it.jar", "target/graphpaint.jar")).toAbsolutePath();
    assertThat(jar).as("the packaged executable (UpCommandIT runs in `mvn verify`, after `package`)").isRegularFile();
    assertThat(jar.resolveSibling("lib").resolve("graphpaint-registry-app-runner.jar"))
        .as("the schema registry's runnable jar beside the executable's libraries").isRegularFile();
    Path dataDir = workDir.resolve(".graphpaint");
    Path sampleOut = workDir.resolve("out");

    // as ./graphpaint runs it: java -Xss4m -Dgraphpaint.home=ROOT -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -jar JAR
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xss4m", "-Dgraphpaint.home=" + root, "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
        "-jar", jar.toString(), "up", "--sample-out", "out/", "--ports-any");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().put("DJL_OFFLINE", "true");
    builder.environment().put("OPT_OUT_TRACKING", "true");
    long started = System.nanoTime();
    Process up = builder.start();
    // should this JVM be stopped midway (Ctrl-C on Maven), take up and its services along
    Thread killUp = new Thread(() -> {
      up.descendants().forEach(ProcessHandle::destroyForcibly);
      up.destroyForcibly();
    }, "UpCommandIT-kill-up");
    Runtime.getRuntime().addShutdownHook(killUp);
    Console console = new Console(up);
    List<ProcessHandle> children = List.of();
    try {
      // 1. up reaches "graphpaint is up", runs the sample and waits for Ctrl-C
      String readyLine = console.await(READY_LINE.asPredicate(), UP_TIMEOUT, started);
      Matcher ready = READY_LINE.matcher(readyLine);
      assertThat(ready.matches()).isTrue();
      URI orchestrator = URI.create(ready.group(2));
      console.await(line -> line.equals("Press Ctrl-C to stop."), UP_TIMEOUT, started);
      long upAndSampleMillis = millisSince(started);
      UpState state = UpState.read(dataDir).orElseThrow(() -> new AssertionError("no up.properties of a live up"));
      assertThat(state.pid()).isEqualTo(up.pid());
      assertThat(state.orchestratorUrl()).isEqualTo(orchestrator);

      // 2. the sample: one PNG at the model's size, the bytes the orchestrator's status names
      List<Path> samplePngs = pngsIn(sampleOut);
      assertThat(samplePngs).as("PNGs written to out/").hasSize(1);
      Path samplePng = samplePngs.get(0);
      assertThat(console.lines()).anyMatch(line -> line.strip().equals("wrote " + Path.of("out/").resolve(samplePng.getFileName())));
      byte[] sampleBytes = Files.readAllBytes(samplePng);
      assertDecodesAtModelSize(sampleBytes, samplePng.toString());
      String sampleId = samplePng.getFileName().toString().replaceFirst("-0\\.png$", "");
      JsonNode sampleStatus = getJson(orchestrator.resolve("/v1/generations/" + sampleId));
      assertThat(sampleStatus.path("state").asText()).isEqualTo("COMPLETED");
      assertThat(sampleStatus.path("images").get(0).path("sha256").asText()).isEqualTo(sha256(sampleBytes));

      // every service up started is a child process: registry, orchestrator, worker-1, training worker
      children = up.descendants().toList();
      Map<ProcessHandle, String> childNames = new LinkedHashMap<>();
      children.forEach(child -> childNames.put(child, describe(child)));
      assertThat(childNames.values()).as("up's child processes")
          .containsExactlyInAnyOrder("schema registry", "graphpaint orchestrator", "graphpaint worker",
              "graphpaint training-worker");

      // 3. one more request through the HTTP API: the orchestrator hands it to the worker over Kafka,
      // the worker renders and stores it in S3, the orchestrator's status names the images
      long submitted = System.nanoTime();
      ObjectNode request = JSON.createObjectNode();
      request.set("graph", JSON.readTree("{\"objects\": [\"green square\", \"magenta circle\"],"
          + " \"relationships\": [[0, \"above\", 1]]}"));
      request.put("numImages", 2);
      request.put("seed", 20261126L);
      request.put("steps", 10);
      HttpResponse<byte[]> accepted = http.send(HttpRequest.newBuilder(orchestrator.resolve("/v1/generations"))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request))).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(accepted.statusCode()).as("POST /v1/generations: %s", new String(accepted.body(), StandardCharsets.UTF_8))
          .isEqualTo(202);
      String requestId = JSON.readTree(accepted.body()).path("requestId").asText();
      assertThat(requestId).isNotBlank();
      JsonNode status = awaitTerminal(orchestrator, requestId);
      long requestMillis = millisSince(submitted);
      assertThat(status.path("state").asText()).as("final status %s", status).isEqualTo("COMPLETED");
      assertThat(status.path("workerId").asText()).isEqualTo("worker-1");
      assertThat(status.path("request").path("steps").asInt()).isEqualTo(10);
      JsonNode images = status.path("images");
      assertThat(images).hasSize(2);
      List<String> hashes = new ArrayList<>();
      List<Long> seeds = new ArrayList<>();
      for (JsonNode image : images) {
        assertThat(image.path("width").asInt()).isEqualTo(MODEL_IMAGE_SIZE);
        assertThat(image.path("height").asInt()).isEqualTo(MODEL_IMAGE_SIZE);
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(image.path("url").asText()))
            .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).as("download of %s", image.path("url").asText()).isEqualTo(200);
        assertThat(sha256(download.body())).as("sha256 of image %s", image.path("index")).isEqualTo(image.path("sha256").asText());
        assertDecodesAtModelSize(download.body(), image.path("key").asText());
        hashes.add(image.path("sha256").asText());
        seeds.add(image.path("seed").asLong());
      }
      assertThat(seeds).as("each image has its own seed").doesNotHaveDuplicates();
      assertThat(hashes).as("two seeds draw two different images").doesNotHaveDuplicates();

      // 4. SIGTERM: up stops its services, then the infrastructure, and exits
      long stopping = System.nanoTime();
      // the handle only signals; Process.destroy() would also close the pipe up still prints its stop to
      up.toHandle().destroy();
      assertThat(up.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("up stopped within %d s of SIGTERM", STOP_TIMEOUT.toSeconds()).isTrue();
      long stopMillis = millisSince(stopping);
      console.drain();
      assertThat(up.exitValue()).as("exit code after SIGTERM (128 + 15)").isEqualTo(EXIT_AFTER_SIGTERM);
      assertThat(console.lines()).anyMatch(line -> line.startsWith("graphpaint up: stopped in "));
      for (Map.Entry<ProcessHandle, String> child : childNames.entrySet()) {
        assertThat(hasExited(child.getKey(), Duration.ofSeconds(10)))
            .as("%s (pid %d) has exited with up", child.getValue(), child.getKey().pid()).isTrue();
      }
      assertThat(dataDir.resolve(UpState.FILE)).as("up.properties is removed on stop").doesNotExist();
      System.out.printf("UpCommandIT: up + sample %d ms, request (2 images, 10 steps) %d ms, stop %d ms%n",
          upAndSampleMillis, requestMillis, stopMillis);
    } catch (Throwable failure) {
      System.out.println(diagnostics(console, dataDir));
      throw failure;
    } finally {
      if (up.isAlive()) {
        up.descendants().forEach(ProcessHandle::destroyForcibly);
        up.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      children.forEach(ProcessHandle::destroyForcibly);
      try {
        Runtime.getRuntime().removeShutdownHook(killUp);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  /** Polls the status until it is terminal; a 404 right after the submission means it is not folded yet. */
  private JsonNode awaitTerminal(URI orchestrator, String requestId) throws IOException, InterruptedException {
    URI statusUrl = orchestrator.resolve("/v1/generations/" + requestId);
    long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(statusUrl).timeout(Duration.ofSeconds(30))
          .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 200) {
        last = JSON.readTree(response.body());
        if (last.path("terminal").asBoolean(false)) {
          return last;
        }
      } else if (response.statusCode() != 404) {
        fail("GET %s answered %d: %s", statusUrl, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
      }
      Thread.sleep(250);
    }
    return fail("request %s not terminal within %d s; last status %s", requestId, REQUEST_TIMEOUT.toSeconds(), last);
  }

  private static boolean hasExited(ProcessHandle process, Duration grace) throws InterruptedException {
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    }
  }

  private JsonNode getJson(URI url) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as("GET %s: %s", url, new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void assertDecodesAtModelSize(byte[] png, String what) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image).as("%s decodes as an image", what).isNotNull();
    assertThat(image.getWidth()).as("width of %s", what).isEqualTo(MODEL_IMAGE_SIZE);
    assertThat(image.getHeight()).as("height of %s", what).isEqualTo(MODEL_IMAGE_SIZE);
  }

  private static List<Path> pngsIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".png")).sorted().toList();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "schema registry" or "graphpaint SUBCOMMAND" for the processes up starts, else the command line. */
  private static String describe(ProcessHandle process) {
    String commandLine = commandLine(process);
    if (commandLine.contains("-jar ") && commandLine.contains("graphpaint-registry-app-runner.jar")) {
      return "schema registry";
    }
    String main = " " + Graphpaint.class.getName() + " ";
    int at = commandLine.lastIndexOf(main);
    if (commandLine.contains("-D" + ServiceClasspath.MARKER_PROPERTY + "=true") && at >= 0) {
      return "graphpaint " + commandLine.substring(at + main.length()).strip();
    }
    return commandLine.length() > 300 ? commandLine.substring(0, 300) + "..." : commandLine;
  }

  /**
   * The whole command line: ProcessHandle.Info cuts it at 4096 bytes on Linux, and a service JVM's
   * class path (the distribution's lib directory) is longer, so read /proc where there is one.
   */
  private static String commandLine(ProcessHandle process) {
    Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
    try {
      if (Files.isReadable(cmdline)) {
        return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ').strip();
      }
    } catch (IOException gone) {
      // exited meanwhile: fall back to what the JDK kept
    }
    return process.info().commandLine().orElse("pid " + process.pid());
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  /** up's console and every log under its data dir (the tails), so a failure in CI can be read from the build log. */
  private static String diagnostics(Console console, Path dataDir) {
    StringBuilder text = new StringBuilder("==== graphpaint up console ====\n");
    console.lines().forEach(line -> text.append(line).append('\n'));
    // the services' logs and the registry's; the broker's *.log files under devstack/kafka are its data
    List<Path> logs = new ArrayList<>();
    try {
      for (Path dir : List.of(dataDir.resolve("logs"), dataDir.resolve("devstack").resolve("registry"))) {
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
          files.filter(file -> file.getFileName().toString().endsWith(".log")).sorted().forEach(logs::add);
        }
      }
      for (Path log : logs) {
        // lenient decoding: a log may hold bytes that are not UTF-8
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        int from = Math.max(0, lines.size() - 200);
        text.append("==== ").append(dataDir.relativize(log)).append(from > 0 ? " (last 200 lines)" : "").append(" ====\n");
        lines.subList(from, lines.size()).forEach(line -> text.append(line).append('\n'));
      }
    } catch (IOException | UncheckedIOException e) {
      text.append("(could not read the logs under ").append(dataDir).append(": ").append(e).append(")\n");
    }
    return text.toString();
  }

  /** up's merged stdout and stderr, read line by line on its own thread. */
  private static final class Console {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final Thread reader;

    Console(Process process) {
      this.process = process;
      this.reader = new Thread(this::read, "graphpaint-up-console");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
          unread.add(line);
        }
      } catch (IOException closed) {
        // the process ended
      }
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    /** The next line matching {@code expected}; fails when up exits first or {@code timeout} after {@code startedNanos}. */
    String await(Predicate<String> expected, Duration timeout, long startedNanos) throws InterruptedException {
      long deadline = startedNanos + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String line = unread.poll(200, TimeUnit.MILLISECONDS);
        if (line != null) {
          if (expected.test(line)) {
            return line;
          }
        } else if (!process.isAlive() && !reader.isAlive() && unread.isEmpty()) {
          return fail("graphpaint up exited with code %d before the expected line", process.exitValue());
        }
      }
      return fail("graphpaint up did not print the expected line within %d s", timeout.toSeconds());
    }

    /** Waits until the output is read to its end (after the process exited). */
    void drain() throws InterruptedException {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
