package io.graphpaint.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A graphpaint service run by {@code graphpaint up} as its own JVM: the same executable with a
 * service subcommand, configured only through environment variables (the keys compose.yaml sets),
 * its output appended to a log file. Readiness is the service's own {@code /ready} endpoint.
 */
final class ChildService implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path logFile;
  private final URI readyUrl;
  private final long startedNanos = System.nanoTime();
  private volatile boolean stopping;

  private ChildService(String name, Process process, Path logFile, URI readyUrl) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.readyUrl = readyUrl;
  }

  /**
   * Starts {@code graphpaint <subcommand>} in a new JVM with this JVM's class path.
   *
   * @param environment added to this process's environment (values override)
   * @param jvmOptions  extra options of the child JVM (heap, GC)
   */
  static ChildService start(String name, String subcommand, Map<String, String> environment, List<String> jvmOptions,
      Path logFile, URI readyUrl) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(jvmOptions);
    command.add("-Xss4m");
    command.add("-Dai.djl.offline=true");
    command.add("-DOPT_OUT_TRACKING=true");
    command.add("-D" + ServiceCommands.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
    command.add("-D" + ServiceClasspath.MARKER_PROPERTY + "=true");
    command.add("-cp");
    command.add(ServiceClasspath.forServices());
    command.add(Graphpaint.class.getName());
    command.add(subcommand);
    try {
      Files.createDirectories(logFile.getParent());
      Files.writeString(logFile, "---- " + Instant.now() + " graphpaint up starts " + name + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().put("DJL_OFFLINE", "true");
      builder.environment().put("OPT_OUT_TRACKING", "true");
      builder.environment().putAll(environment);
      return new ChildService(name, builder.start(), logFile, readyUrl);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + ")", e);
    }
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  boolean isStopping() {
    return stopping;
  }

  Process process() {
    return process;
  }

  /**
   * Waits until {@code /ready} answers 200; fails with the log's last lines when the process exits
   * first or the time runs out.
   */
  long awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest probe = HttpRequest.newBuilder(readyUrl).timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new CliException(name + " exited with code " + process.exitValue() + " while starting: "
            + lastProblem() + " (log " + logFile + ")");
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while waiting for " + name);
      }
      sleep(150);
    }
    throw new CliException(name + " was not ready within " + timeout.toSeconds() + " s (" + readyUrl
        + " did not answer 200); see " + logFile);
  }

  /** The most telling line of the log's tail: the last error or exception line, else the last line. */
  String lastProblem() {
    List<String> tail = tail(60);
    for (int i = tail.size() - 1; i >= 0; i--) {
      String line = tail.get(i);
      if (line.contains("Exception") || line.contains("ERROR") || line.startsWith("Invalid") || line.contains("graphpaint")) {
        return line.strip();
      }
    }
    return tail.isEmpty() ? "no output" : tail.get(tail.size() - 1).strip();
  }

  List<String> tail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  /** Asks for a graceful stop (SIGTERM); returns at once. */
  void requestStop() {
    stopping = true;
    process.destroy();
  }

  /** Waits up to {@code grace} for the stop, then kills the process and anything it started. */
  void awaitStop(Duration grace) {
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    requestStop();
    awaitStop(Duration.ofSeconds(30));
  }

  private static String javaExecutable() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return Files.isExecutable(java) ? java.toString() : "java";
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
