package io.graphpaint.cli;

import io.graphpaint.orchestrator.config.OrchestratorConfig;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.trainingworker.TrainingWorkerConfig;
import io.graphpaint.trainingworker.TrainingWorkerMain;
import io.graphpaint.worker.WorkerConfig;
import io.graphpaint.worker.WorkerMain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One service against external Kafka, schema registry and S3: {@code graphpaint worker},
 * {@code graphpaint orchestrator}, {@code graphpaint training-worker}. Each reads its settings from
 * {@code --config FILE} (Java properties with the service's keys) overridden by the environment
 * ({@code graphpaint.http.port} is {@code GRAPHPAINT_HTTP_PORT}); object storage always from
 * {@code GRAPHPAINT_S3_*}. The configuration is checked first, so a mistake is reported before
 * anything connects. The service's own main then runs until SIGTERM / Ctrl-C.
 */
final class ServiceCommands {

  /** Set by {@code graphpaint up} on the services it starts: they stop when it is gone. */
  static final String PARENT_PID_PROPERTY = "graphpaint.parent.pid";

  private ServiceCommands() {}

  /** Options every service command has. */
  abstract static class ServiceCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Java properties file with the service's keys; environment variables override it.")
    Path config;

    @Option(names = "--check", description = "Only check the configuration and print it (secrets hidden), then exit.")
    boolean checkOnly;

    Map<String, String> environment = System.getenv();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    Map<String, Object> fileProperties() {
      Map<String, Object> values = new LinkedHashMap<>();
      if (config == null) {
        return values;
      }
      if (!Files.isRegularFile(config)) {
        throw new CliException("--config " + config + " does not exist or is not a file", 2, null);
      }
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(config)) {
        properties.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new CliException("--config " + config + " is not a readable properties file: " + Failures.oneLine(e), 2, e);
      }
      properties.stringPropertyNames().stream().sorted().forEach(key -> values.put(key, properties.getProperty(key)));
      return values;
    }

    ObjectStoreConfig objectStore(String service) {
      try {
        return ObjectStoreConfig.fromEnvironment(environment);
      } catch (IllegalArgumentException e) {
        throw new CliException(service + " needs object storage from the environment: " + Failures.oneLine(e), 2, e);
      }
    }

    static CliException invalid(String service, ConfigException e) {
      return new CliException("invalid " + service + " configuration: " + Failures.oneLine(e), 2, e);
    }
  }

  @Command(name = "worker", mixinStandardHelpOptions = true,
      description = {"Run one generation worker (consumer group graphpaint-workers) until Ctrl-C.",
          "Keys: graphpaint.worker.* (environment GRAPHPAINT_WORKER_*), see `graphpaint config-docs`; "
              + "object storage from GRAPHPAINT_S3_*."})
  static final class Worker extends ServiceCommand {

    @Override
    public Integer call() throws Exception {
      Map<String, Object> properties = fileProperties();
      properties.keySet().stream().filter(key -> !key.startsWith(WorkerConfig.PREFIX)).findFirst().ifPresent(key -> {
        throw new CliException("--config " + config + ": key '" + key + "' is not a worker key (they start with "
            + WorkerConfig.PREFIX + ")", 2, null);
      });
      WorkerConfig checked;
      try {
        checked = WorkerConfig.from(properties, environment);
      } catch (ConfigException e) {
        throw invalid("worker", e);
      }
      ObjectStoreConfig store = objectStore("the worker");
      if (checkOnly) {
        System.out.println(checked);
        System.out.println(store);
        return 0;
      }
      // WorkerMain reads graphpaint.worker.* system properties beside the environment
      properties.forEach((key, value) -> System.setProperty(key, value.toString()));
      ParentWatch.startIfRequested();
      WorkerMain.main(new String[0]);
      return 0;
    }
  }

  @Command(name = "orchestrator", mixinStandardHelpOptions = true,
      description = {"Run one orchestrator (Kafka Streams status application, HTTP API, web page) until Ctrl-C.",
          "Keys: graphpaint.* (environment GRAPHPAINT_*), see `graphpaint config-docs`; "
              + "object storage from GRAPHPAINT_S3_* (image links and the model vocabulary need it)."})
  static final class Orchestrator extends ServiceCommand {

    @Override
    public Integer call() throws Exception {
      if (!checkOnly && !ServiceClasspath.isServiceJvm()) {
        return ServiceClasspath.rerunAsService(spec.commandLine().getParseResult().originalArgs());
      }
      OrchestratorConfig checked;
      try {
        checked = OrchestratorConfig.load(fileProperties(), environment);
      } catch (ConfigException e) {
        throw invalid("orchestrator", e);
      }
      if (checked.schemaRegistryUrl().isEmpty()) {
        throw new CliException("invalid orchestrator configuration: " + OrchestratorConfig.SCHEMA_REGISTRY_URL
            + " (environment " + OrchestratorConfig.envName(OrchestratorConfig.SCHEMA_REGISTRY_URL) + ") must be set", 2, null);
      }
      if (environment.containsKey(ObjectStoreConfig.ENV_ENDPOINT)) {
        objectStore("the orchestrator");
      }
      if (checkOnly) {
        System.out.println("orchestrator configuration is valid: kafka " + checked.bootstrapServers()
            + ", registry " + checked.schemaRegistryUrl().orElseThrow() + ", http port " + checked.httpPort());
        return 0;
      }
      ParentWatch.startIfRequested();
      io.graphpaint.orchestrator.Main.main(config == null ? new String[0] : new String[] {config.toString()});
      return 0;
    }
  }

  @Command(name = "training-worker", mixinStandardHelpOptions = true,
      description = {"Run the training worker (dataset updates -> training -> evaluation -> ModelPublished) until Ctrl-C.",
          "Keys: graphpaint.training.* (environment GRAPHPAINT_TRAINING_*), see `graphpaint config-docs`; "
              + "object storage from GRAPHPAINT_S3_*."})
  static final class TrainingWorker extends ServiceCommand {

    @Override
    public Integer call() throws Exception {
      Map<String, Object> properties = fileProperties();
      properties.keySet().stream().filter(key -> !key.startsWith(TrainingWorkerConfig.PREFIX)).findFirst().ifPresent(key -> {
        throw new CliException("--config " + config + ": key '" + key + "' is not a training worker key (they start with "
            + TrainingWorkerConfig.PREFIX + ")", 2, null);
      });
      TrainingWorkerConfig checked;
      try {
        checked = TrainingWorkerConfig.from(properties, environment);
      } catch (ConfigException e) {
        throw invalid("training worker", e);
      }
      ObjectStoreConfig store = objectStore("the training worker");
      if (checkOnly) {
        System.out.println(checked);
        System.out.println(store);
        return 0;
      }
      // TrainingWorkerMain reads graphpaint.training.* system properties beside the environment
      properties.forEach((key, value) -> System.setProperty(key, value.toString()));
      ParentWatch.startIfRequested();
      TrainingWorkerMain.main(new String[0]);
      return 0;
    }
  }

  /** Exits this JVM (running its shutdown hooks) when the {@code graphpaint up} that started it is gone. */
  static final class ParentWatch {

    private ParentWatch() {}

    static void startIfRequested() {
      String pid = System.getProperty(PARENT_PID_PROPERTY);
      if (pid == null || pid.isBlank()) {
        return;
      }
      ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(parent -> {
        Thread watch = new Thread(() -> {
          try {
            parent.onExit().get();
          } catch (Exception e) {
            return;
          }
          System.exit(0);
        }, "graphpaint-parent-watch");
        watch.setDaemon(true);
        watch.start();
      }, () -> System.exit(0));
    }
  }

  static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
