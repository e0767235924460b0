package io.graphpaint.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.graphpaint.devstack.DevStack;
import io.graphpaint.schemas.admin.TopicAdmin;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code graphpaint up}: everything on this machine until Ctrl-C. The embedded broker, schema
 * registry and S3 server run in this JVM (from {@code devstack}); the orchestrator, the workers and
 * the training worker run as child JVMs of the same executable, configured through the environment
 * keys compose.yaml uses. Data lives under {@code --data-dir} and survives restarts.
 */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Run graphpaint on this machine until Ctrl-C: Kafka broker, schema registry, S3 server, orchestrator "
            + "(HTTP API and web page), generation workers with the shipped model, training worker.",
        "Data (Kafka log, S3 objects, state stores, logs) is kept under --data-dir and reused by the next `up`."})
final class UpCommand implements Callable<Integer> {

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".graphpaint",
      description = "Where everything is kept (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "Orchestrator HTTP port: API and web page (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int httpPort;

  @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
      description = "Kafka broker port (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int kafkaPort;

  @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081",
      description = "Schema registry port (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int registryPort;

  @Option(names = "--s3-port", paramLabel = "PORT", defaultValue = "9000",
      description = "S3 server port (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int s3Port;

  @Option(names = "--ports-any", description = "Any free ports for everything (same as giving 0 to every port option).")
  boolean anyPorts;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
      description = "Generation workers to run (default: ${DEFAULT-VALUE}; up to the 12 partitions of graphpaint.requests).")
  int workers;

  @Option(names = "--model", paramLabel = "DIR",
      description = "Model directory the workers serve when no promoted version is published "
          + "(default: models/default of the graphpaint installation).")
  Path model;

  @Option(names = "--device", defaultValue = "auto",
      description = "Device the workers run the model on: auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Interface the orchestrator listens on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--sample", description = "Once up, submit a sample scene graph and wait for its images.")
  boolean sample;

  @Option(names = "--sample-out", paramLabel = "DIR",
      description = "Write the sample's images into DIR (implies --sample).")
  Path sampleOut;

  @Option(names = "--sample-graph", paramLabel = "FILE",
      description = "Scene graph to submit as the sample (default: examples/sample-graph.json).")
  Path sampleGraph;

  @Option(names = "--exit-after-start",
      description = "Stop everything once it is up (and the sample is done) instead of waiting for Ctrl-C.")
  boolean exitAfterStart;

  @Spec
  CommandSpec spec;

  private final List<ChildService> children = new ArrayList<>();
  private DevStack stack;
  private volatile boolean shuttingDown;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    Path data = dataDir.toAbsolutePath().normalize();
    Optional<UpState> running = UpState.read(data);
    if (running.isPresent()) {
      throw new CliException("graphpaint up is already running with " + data + " (pid " + running.get().pid()
          + ", " + running.get().orchestratorUrl() + "); stop it first or choose another --data-dir");
    }
    Files.createDirectories(data.resolve("logs"));
    logToFile(data.resolve("logs").resolve("up.log"));
    long started = System.nanoTime();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdownHook = new Thread(() -> {
      shutdown(out, data);
      stopped.countDown();
    }, "graphpaint-up-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    Path modelDir = (model != null ? model : Home.defaultModel()).toAbsolutePath().normalize();
    boolean modelPresent = Files.isRegularFile(modelDir.resolve("model.json"));
    if (model != null && !modelPresent) {
      throw new CliException("--model " + model + " holds no model.json: give a model directory (model.json + weights)");
    }

    out.println("graphpaint up: data in " + data);
    out.println("  starting kafka, schema registry and s3 ...");
    out.flush();
    try {
      stack = DevStack.start(DevStack.Config.builder()
          .dataDir(data.resolve("devstack"))
          .kafkaPort(port(kafkaPort)).kafkaControllerPort(0)
          .schemaRegistryPort(port(registryPort))
          .s3Port(port(s3Port))
          .build());
    } catch (RuntimeException e) {
      throw new CliException("the infrastructure did not start: " + Failures.oneLine(e)
          + " (a port in use? choose others with --kafka-port/--registry-port/--s3-port, or --ports-any)", e);
    }
    List<String> changedIds = RegistrySnapshot.restore(stack.schemaRegistryUrl(), data.resolve("devstack"));
    if (!changedIds.isEmpty()) {
      out.println("  warning: the registry gave saved schemas new ids; records written before may not decode: "
          + String.join("; ", changedIds));
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicAdmin(admin, TopicAdmin.Settings.singleBroker()).ensureAllTopics();
    }
    out.printf("  %-16s %s  (%d ms)%n", "kafka", stack.bootstrapServers(), stack.startupMillis(DevStack.Part.KAFKA));
    out.printf("  %-16s %s  (%d ms)%n", "schema registry", stack.schemaRegistryUrl(),
        stack.startupMillis(DevStack.Part.SCHEMA_REGISTRY));
    out.printf("  %-16s %s  (%d ms, access key %s; secret in %s)%n", "s3", stack.s3Endpoint(),
        stack.startupMillis(DevStack.Part.S3), stack.s3().accessKey(), data.resolve(UpState.FILE));
    out.flush();

    Endpoints endpoints = Endpoints.of(stack);
    int orchestratorPort = httpPort == 0 || anyPorts ? freePort() : httpPort;
    URI orchestratorUrl = URI.create("http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":" + orchestratorPort);
    ChildService orchestrator = startChild("orchestrator", "orchestrator",
        orchestratorEnvironment(endpoints, host, data, orchestratorPort, modelDir, modelPresent),
        List.of("-XX:+UseSerialGC", "-Xmx512m"), data, orchestratorUrl.resolve("/ready"));
    List<ChildService> workerServices = new ArrayList<>();
    if (modelPresent) {
      for (int n = 1; n <= workers; n++) {
        int healthPort = freePort();
        workerServices.add(startChild("worker-" + n, "worker", workerEnvironment(endpoints, device, data, n, healthPort, modelDir),
            List.of("-XX:+UseSerialGC", "-Xmx1g"), data, URI.create("http://127.0.0.1:" + healthPort + "/ready")));
      }
    }
    int trainingHealthPort = freePort();
    ChildService trainingWorker = startChild("training-worker", "training-worker",
        trainingWorkerEnvironment(endpoints, data, trainingHealthPort, modelDir, modelPresent),
        List.of("-XX:+UseSerialGC", "-Xmx1g"), data, URI.create("http://127.0.0.1:" + trainingHealthPort + "/ready"));
    long orchestratorMillis = orchestrator.awaitReady(Duration.ofSeconds(180));
    out.printf("  %-16s %s  (ready in %d ms, log %s)%n", "orchestrator", orchestratorUrl, orchestratorMillis,
        data.relativize(orchestrator.logFile()));
    for (ChildService worker : workerServices) {
      long millis = worker.awaitReady(Duration.ofSeconds(300));
      out.printf("  %-16s model %s  (ready in %d ms, log %s)%n", worker.name(), modelDir, millis,
          data.relativize(worker.logFile()));
    }
    if (!modelPresent) {
      out.printf("  %-16s NOT RUNNING: no model at %s (train one with `graphpaint train`, then `up --model DIR`)%n",
          "workers", modelDir);
    }
    long trainingMillis = trainingWorker.awaitReady(Duration.ofSeconds(300));
    out.printf("  %-16s %s  (ready in %d ms, log %s)%n", "training worker",
        modelPresent ? "warm-starts from " + modelDir : "trains from scratch (no default model)", trainingMillis,
        data.relativize(trainingWorker.logFile()));

    UpState state = new UpState(ProcessHandle.current().pid(), orchestratorUrl, stack.bootstrapServers(),
        stack.schemaRegistryUrl(), stack.s3Endpoint(), stack.s3().accessKey(), stack.s3().secretKey());
    state.write(data);
    long readyMillis = ServiceCommands.millisSince(started);
    out.println();
    out.println("graphpaint is up in " + readyMillis + " ms. Web page: " + orchestratorUrl + "/");
    out.println("  submit:  ./graphpaint submit examples/sample-graph.json --wait --out out/");
    out.flush();
    watchChildren(out);
    keepRegistrySnapshot(data.resolve("devstack"));

    if (sample || sampleOut != null) {
      runSample(out, orchestratorUrl, !workerServices.isEmpty());
    }
    if (exitAfterStart) {
      return 0; // the shutdown hook stops everything as the JVM exits
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return 0;
  }

  private void validate() {
    for (int port : new int[] {httpPort, kafkaPort, registryPort, s3Port}) {
      if (port < 0 || port > 65535) {
        throw new CliException("ports must be within [0, 65535] (0 = any free port), got " + port, 2, null);
      }
    }
    if (workers < 0 || workers > 12) {
      throw new CliException("--workers must be within [0, 12] (graphpaint.requests has 12 partitions), got " + workers, 2, null);
    }
    if (!device.matches("auto|cpu|gpu(:\\d{1,2})?")) {
      throw new CliException("--device must be auto, cpu or gpu:N, got '" + device + "'", 2, null);
    }
  }

  private int port(int configured) {
    return anyPorts ? 0 : configured;
  }

  /** The orchestrator's environment: the keys of OrchestratorConfig and ObjectStoreConfig. */
  static Map<String, String> orchestratorEnvironment(Endpoints stack, String host, Path data, int port, Path modelDir,
      boolean modelPresent) {
    Map<String, String> env = new LinkedHashMap<>(s3Environment(stack));
    env.put("GRAPHPAINT_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("GRAPHPAINT_SCHEMA_REGISTRY_URL", stack.schemaRegistryUrl());
    env.put("GRAPHPAINT_HTTP_HOST", host);
    env.put("GRAPHPAINT_HTTP_PORT", Integer.toString(port));
    env.put("GRAPHPAINT_STREAMS_STATE_DIR", data.resolve("orchestrator").resolve("state").toString());
    env.put("GRAPHPAINT_KAFKA_TOPICS_CREATE", "false");
    if (modelPresent) {
      env.put("GRAPHPAINT_VOCABULARY_FILE", modelDir.resolve("model.json").toString());
    }
    return env;
  }

  /** A worker's environment: the keys of WorkerConfig and ObjectStoreConfig. */
  static Map<String, String> workerEnvironment(Endpoints stack, String device, Path data, int n, int healthPort,
      Path modelDir) {
    Map<String, String> env = new LinkedHashMap<>(s3Environment(stack));
    env.put("GRAPHPAINT_WORKER_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("GRAPHPAINT_WORKER_SCHEMA_REGISTRY_URL", stack.schemaRegistryUrl());
    env.put("GRAPHPAINT_WORKER_ID", "worker-" + n);
    env.put("GRAPHPAINT_WORKER_MODEL_DEFAULT_DIR", modelDir.toString());
    env.put("GRAPHPAINT_WORKER_MODEL_CACHE_DIR", data.resolve("worker-" + n).resolve("models").toString());
    env.put("GRAPHPAINT_WORKER_DEVICE", device);
    env.put("GRAPHPAINT_WORKER_HTTP_PORT", Integer.toString(healthPort));
    return env;
  }

  /** The training worker's environment: the keys of TrainingWorkerConfig and ObjectStoreConfig. */
  static Map<String, String> trainingWorkerEnvironment(Endpoints stack, Path data, int healthPort, Path modelDir,
      boolean modelPresent) {
    Map<String, String> env = new LinkedHashMap<>(s3Environment(stack));
    env.put("GRAPHPAINT_TRAINING_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("GRAPHPAINT_TRAINING_SCHEMA_REGISTRY_URL", stack.schemaRegistryUrl());
    env.put("GRAPHPAINT_TRAINING_ID", "training-worker-1");
    env.put("GRAPHPAINT_TRAINING_WORK_DIR", data.resolve("training").toString());
    if (modelPresent) {
      env.put("GRAPHPAINT_TRAINING_MODEL_DEFAULT_DIR", modelDir.toString());
    }
    env.put("GRAPHPAINT_TRAINING_HTTP_PORT", Integer.toString(healthPort));
    return env;
  }

  /** Where the services find the infrastructure. */
  record Endpoints(String bootstrapServers, String schemaRegistryUrl, String s3Endpoint, String s3AccessKey,
      String s3SecretKey, String s3Region) {
    static Endpoints of(DevStack stack) {
      return new Endpoints(stack.bootstrapServers(), stack.schemaRegistryUrl(), stack.s3Endpoint(),
          stack.s3().accessKey(), stack.s3().secretKey(), stack.s3().region());
    }
  }

  private static Map<String, String> s3Environment(Endpoints stack) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GRAPHPAINT_S3_ENDPOINT", stack.s3Endpoint());
    env.put("GRAPHPAINT_S3_ACCESS_KEY", stack.s3AccessKey());
    env.put("GRAPHPAINT_S3_SECRET_KEY", stack.s3SecretKey());
    env.put("GRAPHPAINT_S3_REGION", stack.s3Region());
    return env;
  }

  private ChildService startChild(String name, String subcommand, Map<String, String> environment,
      List<String> jvmOptions, Path data, URI readyUrl) {
    if (shuttingDown) {
      throw new CliException("stopping");
    }
    ChildService child = ChildService.start(name, subcommand, environment, jvmOptions,
        data.resolve("logs").resolve(name + ".log"), readyUrl);
    synchronized (children) {
      children.add(child);
    }
    return child;
  }

  /**
   * Saves the registry's schemas every few seconds while up runs (the registry's own shutdown hook
   * may stop it before ours runs, so waiting for the end would be too late).
   */
  private void keepRegistrySnapshot(Path dir) {
    Thread saver = new Thread(() -> {
      while (!shuttingDown) {
        try {
          RegistrySnapshot.save(stack.schemaRegistryUrl(), dir);
          Thread.sleep(3_000);
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          LoggerFactory.getLogger(UpCommand.class).warn("could not save the registry's schemas: {}", Failures.oneLine(e));
          try {
            Thread.sleep(3_000);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }, "graphpaint-registry-snapshot");
    saver.setDaemon(true);
    saver.start();
  }

  /** Reports a service that dies while up is running, once, with its log's telling line. */
  private void watchChildren(PrintWriter out) {
    List<ChildService> snapshot;
    synchronized (children) {
      snapshot = List.copyOf(children);
    }
    for (ChildService child : snapshot) {
      child.process().onExit().thenAccept(process -> {
        if (!child.isStopping() && !shuttingDown) {
          out.println("graphpaint up: " + child.name() + " exited with code " + process.exitValue() + ": "
              + child.lastProblem() + " (log " + child.logFile() + ")");
          out.flush();
        }
      });
    }
  }

  private void runSample(PrintWriter out, URI orchestratorUrl, boolean workerRunning) {
    if (!workerRunning) {
      out.println("sample: not submitted, no worker is running (no model to serve)");
      out.flush();
      return;
    }
    byte[] graph = sampleGraphBytes();
    OrchestratorClient client = new OrchestratorClient(orchestratorUrl, Optional.empty());
    long submitted = System.nanoTime();
    JsonNode accepted = client.submit(graph, Optional.empty());
    String id = accepted.path("requestId").asText();
    out.println("sample: submitted " + id);
    out.flush();
    JsonNode status = client.await(id, Duration.ofMinutes(10), change -> {
      out.println("  " + id + ": " + StatusCommand.summary(change));
      out.flush();
    });
    long latency = ServiceCommands.millisSince(submitted);
    if (!"COMPLETED".equals(status.path("state").asText())) {
      throw new CliException("the sample request " + id + " ended " + status.path("state").asText()
          + OrchestratorClient.describeError(status));
    }
    out.println("sample: completed in " + latency + " ms (submit to completed, "
        + status.path("images").size() + " image(s))");
    if (sampleOut != null) {
      for (Path file : client.downloadImages(status, sampleOut)) {
        out.println("  wrote " + file);
      }
    }
    out.flush();
  }

  private byte[] sampleGraphBytes() {
    try {
      if (sampleGraph != null) {
        return Files.readAllBytes(sampleGraph);
      }
      Path shipped = Home.directory().resolve("examples").resolve("sample-graph.json");
      if (Files.isRegularFile(shipped)) {
        return Files.readAllBytes(shipped);
      }
      try (InputStream in = UpCommand.class.getResourceAsStream("sample-graph.json")) {
        if (in == null) {
          throw new CliException("no sample graph: pass --sample-graph FILE");
        }
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new CliException("cannot read the sample graph: " + Failures.oneLine(e), e);
    }
  }

  /** Stops the services (gracefully, in parallel), then the infrastructure. Runs once, on any exit. */
  private void shutdown(PrintWriter out, Path data) {
    shuttingDown = true;
    long started = System.nanoTime();
    List<ChildService> snapshot;
    synchronized (children) {
      snapshot = List.copyOf(children);
    }
    if (snapshot.isEmpty() && stack == null) {
      return;
    }
    out.println("graphpaint up: stopping ...");
    out.flush();
    // workers first: they hand back or finish in-flight work while the broker still runs
    for (int i = snapshot.size() - 1; i >= 0; i--) {
      snapshot.get(i).requestStop();
    }
    for (int i = snapshot.size() - 1; i >= 0; i--) {
      snapshot.get(i).awaitStop(Duration.ofSeconds(40));
    }
    if (stack != null) {
      try {
        stack.close();
      } catch (RuntimeException e) {
        out.println("graphpaint up: stopping the infrastructure: " + Failures.oneLine(e));
      }
    }
    UpState.delete(data);
    out.println("graphpaint up: stopped in " + ServiceCommands.millisSince(started) + " ms; data kept in " + data);
    out.flush();
  }

  /** This JVM's own log (the embedded broker, registry and S3 server) goes to a file, not the console. */
  private static void logToFile(Path file) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("up-log");
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    root.addAppender(appender);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
