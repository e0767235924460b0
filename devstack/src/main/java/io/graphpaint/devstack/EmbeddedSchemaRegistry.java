package io.graphpaint.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Confluent-compatible schema registry: Apicurio Registry (in memory), run as a child process
 * from the runnable jar that the {@code devstack/registry-app} module builds.
 *
 * <p>The process is killed, with anything it started, on {@link #close()} and by a JVM shutdown hook,
 * so a crashed test run leaves nothing behind. Its console output goes to {@code registry.log} in
 * the data directory.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** Where the Confluent-compatible API lives on an Apicurio server. */
    public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";
    public static final String JAR_PROPERTY = "graphpaint.registry.jar";
    public static final String JAR_ENVIRONMENT_VARIABLE = "GRAPHPAINT_REGISTRY_JAR";
    static final String BUILD_COMMAND = "mvn -pl devstack/registry-app package";
    private static final String JAR_GLOB_PREFIX = "graphpaint-registry-app";
    private static final String RUNNER_SUFFIX = "-runner.jar";
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            // a development server: start fast and stay small rather than reach peak throughput
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-Xss512k");

    private final Process process;
    private final Thread shutdownHook;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final Path logFile;
    private final Path jar;
    private final int port;
    private final long startupMillis;
    private boolean closed;

    private EmbeddedSchemaRegistry(Builder builder) {
        long started = System.nanoTime();
        this.jar = builder.jar != null ? builder.jar : locateRunnerJar();
        this.deleteDataDirOnClose = builder.dataDir == null;
        this.dataDir = builder.dataDir != null ? DataDirs.create(builder.dataDir) : DataDirs.createTemp("graphpaint-registry-");
        this.logFile = dataDir.resolve("registry.log");
        this.port = builder.port != 0 ? builder.port : FreePorts.find();
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(builder.jvmOptions);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        // the registry exits by itself if this JVM dies without running its shutdown hooks
        command.add("-Dgraphpaint.registry.parent-pid=" + ProcessHandle.current().pid());
        command.add("-jar");
        command.add(jar.toString());
        try {
            this.process = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the schema registry: " + String.join(" ", command), e);
        }
        this.shutdownHook = new Thread(this::killProcessTree, "graphpaint-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitReady(builder.startTimeout);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A registry on a free port, its log in a temporary directory. */
    public static EmbeddedSchemaRegistry start() {
        return builder().start();
    }

    /** Base URL of the Confluent-compatible REST API, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    public String url() {
        return baseUrl() + CONFLUENT_API_PATH;
    }

    /** The server root, e.g. {@code http://127.0.0.1:8081}; Apicurio's own API is under {@code /apis/registry/v2}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    public Path jar() {
        return jar;
    }

    /** Wall-clock time from launching the process to the first successful API call, in milliseconds. */
    public long startupMillis() {
        return startupMillis;
    }

    /** The child process id, for diagnostics. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The schema registry exited with code " + process.exitValue()
                        + " before it was ready. Last lines of " + logFile + ":\n" + tailOfLog(40));
            }
            try {
                HttpResponse<String> response = http.send(probe, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode() + ": " + response.body();
            } catch (ConnectException e) {
                lastAnswer = "connection refused";
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the schema registry", e);
            }
            sleep(100);
        }
        throw new IllegalStateException("The schema registry at " + url() + " was not ready within " + timeout
                + " (last probe: " + lastAnswer + "). Last lines of " + logFile + ":\n" + tailOfLog(40));
    }

    private String tailOfLog(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log not readable: " + e.getMessage() + ")";
        }
    }

    /** Kills the registry and its descendants and waits for them. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        killProcessTree();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
        if (deleteDataDirOnClose) {
            DataDirs.deleteRecursively(dataDir);
        }
    }

    private void killProcessTree() {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception notGoneInTime) {
                handle.destroyForcibly();
            }
        }
    }

    /**
     * Finds the registry's runnable jar: the system property {@value #JAR_PROPERTY}, the environment
     * variable {@value #JAR_ENVIRONMENT_VARIABLE}, the build output {@code devstack/registry-app/target}
     * of this source tree (searched upward from the working directory), or a jar beside the jar this
     * class was loaded from (the CLI distribution).
     */
    public static Path locateRunnerJar() {
        List<String> looked = new ArrayList<>();
        String fromProperty = System.getProperty(JAR_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return requireFile(Path.of(fromProperty), "system property " + JAR_PROPERTY);
        }
        String fromEnvironment = System.getenv(JAR_ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return requireFile(Path.of(fromEnvironment), "environment variable " + JAR_ENVIRONMENT_VARIABLE);
        }
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("devstack").resolve("registry-app").resolve("target");
            looked.add(target.toString());
            Optional<Path> built = newestRunnerJar(target);
            if (built.isPresent()) {
                return built.get();
            }
        }
        Optional<Path> codeDir = directoryOfThisCode();
        if (codeDir.isPresent()) {
            looked.add(codeDir.get().toString());
            Optional<Path> beside = newestRunnerJar(codeDir.get());
            if (beside.isPresent()) {
                return beside.get();
            }
        }
        throw new IllegalStateException("No schema registry jar (" + JAR_GLOB_PREFIX + "*" + RUNNER_SUFFIX + ") found. Build it with `"
                + BUILD_COMMAND + "` from the graphpaint source root, or point -D" + JAR_PROPERTY + " or $"
                + JAR_ENVIRONMENT_VARIABLE + " at it. Looked in: " + String.join(", ", looked));
    }

    private static Path requireFile(Path jar, String source) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(source + " names " + jar + ", which is not a file. Build the registry with `"
                    + BUILD_COMMAND + "` or fix the path.");
        }
        return jar.toAbsolutePath();
    }

    static Optional<Path> newestRunnerJar(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> {
                        String name = file.getFileName().toString();
                        return name.startsWith(JAR_GLOB_PREFIX) && name.endsWith(RUNNER_SUFFIX) && Files.isRegularFile(file);
                    })
                    .max(Comparator.comparing(EmbeddedSchemaRegistry::lastModified));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Optional<Path> directoryOfThisCode() {
        try {
            var source = EmbeddedSchemaRegistry.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return Optional.ofNullable(Files.isRegularFile(location) ? location.getParent() : null);
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
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
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedSchemaRegistry[" + url() + ", pid " + process.pid() + "]";
    }

    public static final class Builder {
        private Path dataDir;
        private Path jar;
        private int port;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;

        private Builder() {
        }

        /** Working directory of the process and home of {@code registry.log}; default: a temporary directory deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** The runnable jar; default: {@link #locateRunnerJar()}. */
        public Builder jar(Path jar) {
            this.jar = requireFile(Objects.requireNonNull(jar, "jar"), "jar(...)");
            return this;
        }

        public Builder port(int port) {
            this.port = FreePorts.checkPort("port", port);
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /** Options for the registry's JVM, replacing the defaults {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -Xss512k}. */
        public Builder jvmOptions(List<String> jvmOptions) {
            this.jvmOptions = List.copyOf(jvmOptions);
            return this;
        }

        public EmbeddedSchemaRegistry start() {
            return new EmbeddedSchemaRegistry(this);
        }
    }
}
