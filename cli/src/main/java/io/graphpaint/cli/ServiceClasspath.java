package io.graphpaint.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Two class paths from one distribution. The embedded S3 server (S3Proxy) needs Jetty 12 and the
 * orchestrator's HTTP server (Javalin 6) needs Jetty 11, whose classes share package names, so they
 * cannot meet in one JVM: {@code target/lib} resolves Jetty 12 for {@code up}'s own JVM, and the
 * services run in JVMs whose class path swaps in {@code target/lib/jetty11}.
 */
final class ServiceClasspath {

  /** Marks a JVM started with the service class path. */
  static final String MARKER_PROPERTY = "graphpaint.service.jvm";
  private static final String JETTY11_DIR = "jetty11";

  private ServiceClasspath() {}

  /** True when this JVM can run a service: started with the service class path, or not from the distribution. */
  static boolean isServiceJvm() {
    return Boolean.getBoolean(MARKER_PROPERTY) || libDirectory().isEmpty();
  }

  /** The class path of a service JVM. */
  static String forServices() {
    Optional<Path> lib = libDirectory();
    if (lib.isEmpty()) {
      return System.getProperty("java.class.path");
    }
    List<String> entries = new ArrayList<>();
    Path jar = jar().orElseThrow();
    try (Stream<Path> jetty11 = Files.list(lib.get().resolve(JETTY11_DIR));
        JarFile jarFile = new JarFile(jar.toFile())) {
      jetty11.filter(ServiceClasspath::isJar).sorted().forEach(path -> entries.add(path.toString()));
      // the rest in Maven's order, as the manifest lists it
      String manifestClassPath = jarFile.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      for (String entry : manifestClassPath.trim().split("\\s+")) {
        Path file = jar.getParent().resolve(entry);
        if (!isServerRuntime(file.getFileName().toString())) {
          entries.add(file.toString());
        }
      }
      // last: the jar's manifest Class-Path (all of lib, Jetty 12 included) then only adds what is missing
      entries.add(jar.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the class path of " + jar + " (is the distribution complete? rebuild it)", e);
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /** The JVM options a service JVM starts with: this JVM's own plus the marker. */
  static List<String> jvmOptions() {
    List<String> options = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
    options.add("-D" + MARKER_PROPERTY + "=true");
    return options;
  }

  /**
   * Runs {@code graphpaint args...} again in a service JVM and returns its exit code; a Ctrl-C
   * reaches both JVMs, and this one waits for the service's graceful stop.
   */
  static int rerunAsService(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions());
    command.add("-cp");
    command.add(forServices());
    command.add(Graphpaint.class.getName());
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).inheritIO().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        process.destroy();
        try {
          process.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "graphpaint-service-wait"));
      return process.waitFor();
    } catch (IOException e) {
      throw new CliException("cannot start the service JVM: " + Failures.oneLine(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Graphpaint.EXIT_FAILURE;
    }
  }

  private static boolean isServerRuntime(String jarName) {
    return jarName.startsWith("jetty-") || jarName.startsWith("websocket-") || jarName.startsWith("jakarta.servlet-api");
  }

  private static boolean isJar(Path path) {
    return path.getFileName().toString().endsWith(".jar") && Files.isRegularFile(path);
  }

  private static Optional<Path> jar() {
    try {
      var source = Graphpaint.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Path location = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(location) ? Optional.of(location.toAbsolutePath()) : Optional.empty();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code target/lib} beside {@code graphpaint.jar}, when running from the distribution. */
  static Optional<Path> libDirectory() {
    return jar().map(jar -> jar.getParent().resolve("lib")).filter(lib -> Files.isDirectory(lib.resolve(JETTY11_DIR)));
  }
}
