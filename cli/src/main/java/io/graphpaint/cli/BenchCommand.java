package io.graphpaint.cli;

import io.graphpaint.cli.bench.WorkerBench;
import io.graphpaint.devstack.EmbeddedS3;
import io.graphpaint.devstack.EmbeddedSchemaRegistry;
import io.graphpaint.model.clip.ClipBenchmark;
import io.graphpaint.model.diffusion.bench.UNetBench;
import io.graphpaint.model.eval.AnalyzerBenchmark;
import io.graphpaint.model.eval.ModelBenchmark;
import io.graphpaint.model.eval.SampleComparison;
import io.graphpaint.model.graph.GraphEncoderBenchmark;
import io.graphpaint.model.train.StageBenchmark;
import io.graphpaint.schemas.serde.SerdeBenchmark;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.storage.bench.ObjectStoreLatency;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code graphpaint bench ...}: the project's measurement entry points, each the benchmark its
 * module ships; figures are printed beside their reference where the benchmark has one.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run one of graphpaint's benchmarks.",
    subcommands = {
        BenchCommand.Serde.class,
        BenchCommand.Storage.class,
        BenchCommand.Analyzer.class,
        BenchCommand.GraphEncoder.class,
        BenchCommand.Clip.class,
        BenchCommand.Training.class,
        BenchCommand.UNet.class,
        BenchCommand.Model.class,
        BenchCommand.Compare.class,
        BenchCommand.Worker.class,
    })
final class BenchCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "choose a benchmark: serde, storage, analyzer, graph-encoder, clip, training, unet, model, compare or worker");
  }

  @Command(name = "serde", mixinStandardHelpOptions = true,
      description = "Encode/decode cost per GenerationRequest in the Confluent wire format (schemas.serde.SerdeBenchmark); "
          + "starts an embedded registry unless --registry-url is given.")
  static final class Serde implements Callable<Integer> {

    @Option(names = "--registry-url", paramLabel = "URL", description = "Confluent-compatible registry to use.")
    URI registryUrl;

    @Option(names = "--records", defaultValue = "200000", description = "Records per timed round (default: ${DEFAULT-VALUE}).")
    int records;

    @Override
    public Integer call() {
      if (records < 1) {
        throw new CliException("--records must be >= 1, got " + records, 2, null);
      }
      if (registryUrl != null) {
        SerdeBenchmark.main(new String[] {registryUrl.toString(), Integer.toString(records)});
        return 0;
      }
      try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
        SerdeBenchmark.main(new String[] {registry.url(), Integer.toString(records)});
      }
      return 0;
    }
  }

  @Command(name = "storage", mixinStandardHelpOptions = true,
      description = "PUT, idempotent PUT and GET latency of the object store, one request at a time "
          + "(storage.bench.ObjectStoreLatency); GRAPHPAINT_S3_* if set, else an embedded S3 server.")
  static final class Storage implements Callable<Integer> {

    @Option(names = "--object-bytes", defaultValue = "51200", description = "Object size (default: ${DEFAULT-VALUE}).")
    int objectBytes;

    @Option(names = "--warmup", defaultValue = "50", description = "Untimed requests first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--measured", defaultValue = "500", description = "Timed requests per operation (default: ${DEFAULT-VALUE}).")
    int measured;

    @Spec
    CommandSpec spec;

    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
      ObjectStoreLatency.Options options;
      try {
        options = new ObjectStoreLatency.Options(objectBytes, warmup, measured);
      } catch (IllegalArgumentException e) {
        throw new CliException(Failures.oneLine(e), 2, e);
      }
      if (environment.containsKey(ObjectStoreConfig.ENV_ENDPOINT)) {
        print(measure(ObjectStoreConfig.fromEnvironment(environment), options), "GRAPHPAINT_S3_ENDPOINT");
        return 0;
      }
      try (EmbeddedS3 s3 = EmbeddedS3.start()) {
        ObjectStoreConfig config = ObjectStoreConfig.fromEnvironment(Map.of(
            ObjectStoreConfig.ENV_ENDPOINT, s3.endpoint(), ObjectStoreConfig.ENV_ACCESS_KEY, s3.accessKey(),
            ObjectStoreConfig.ENV_SECRET_KEY, s3.secretKey()));
        print(measure(config, options), "embedded S3Proxy, in memory");
      }
      return 0;
    }

    private static ObjectStoreLatency.Result measure(ObjectStoreConfig config, ObjectStoreLatency.Options options) {
      try (ObjectStore store = ObjectStore.open(config)) {
        store.ensureBuckets();
        return ObjectStoreLatency.run(store, config.buckets().images(), "bench-" + System.currentTimeMillis(), options);
      }
    }

    private void print(ObjectStoreLatency.Result result, String against) {
      var out = spec.commandLine().getOut();
      out.println("object store latency against " + against + " (" + objectBytes + " bytes, one client thread):");
      out.println("  " + result.put());
      out.println("  " + result.putIdempotent());
      out.println("  " + result.get());
      out.flush();
    }
  }

  @Command(name = "analyzer", mixinStandardHelpOptions = true,
      description = "Speed and accuracy of the shapes analyzer on rendered scenes (model.eval.AnalyzerBenchmark). "
          + "ARGS: [count=2000] [size=32] [seed=1] [blur] [noise] [colour-cast].")
  static final class Analyzer implements Callable<Integer> {
    @Parameters(arity = "0..6", paramLabel = "ARGS", description = "Passed to the benchmark.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      AnalyzerBenchmark.main(numbers(args));
      return 0;
    }
  }

  @Command(name = "graph-encoder", mixinStandardHelpOptions = true,
      description = "Graph encoder forward time at the paper's size (model.graph.GraphEncoderBenchmark). ARGS: [iterations=30].")
  static final class GraphEncoder implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "ARGS", description = "Passed to the benchmark.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      GraphEncoderBenchmark.main(numbers(args));
      return 0;
    }
  }

  @Command(name = "clip", mixinStandardHelpOptions = true,
      description = "CLIP text and image encoder throughput on a Hugging Face CLIP directory (model.clip.ClipBenchmark). "
          + "ARGS: <clip-dir> [batch] [iterations].")
  static final class Clip implements Callable<Integer> {
    @Parameters(arity = "1..3", paramLabel = "ARGS", description = "Passed to the benchmark.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      ClipBenchmark.main(args.toArray(String[]::new));
      return 0;
    }
  }

  @Command(name = "training", mixinStandardHelpOptions = true,
      description = "Milliseconds per training step of every stage (model.train.StageBenchmark). "
          + "ARGS: [default|tiny] [steps] [samples].")
  static final class Training implements Callable<Integer> {
    @Parameters(arity = "0..3", paramLabel = "ARGS", description = "Passed to the benchmark.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      StageBenchmark.main(args.toArray(String[]::new));
      return 0;
    }
  }

  @Command(name = "unet", mixinStandardHelpOptions = true,
      description = "UNet training ms/step, DDIM sampling images/s (batch 1 and 8) and achieved GFLOP/s against a "
          + "1024^3 matmul in the same run (model.diffusion.bench.UNetBench). ARGS: key=value among trainSteps, batch, "
          + "size, samplingSteps, conditionDim, conditionLength, trials.")
  static final class UNet implements Callable<Integer> {
    @Parameters(arity = "0..7", paramLabel = "ARGS", description = "key=value settings passed to the benchmark.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      for (String arg : args) {
        if (!arg.matches("[A-Za-z]+=\\d+")) {
          throw new CliException("unet benchmark arguments are key=number, got '" + arg + "'", 2, null);
        }
      }
      UNetBench.main(args.toArray(String[]::new));
      return 0;
    }
  }

  @Command(name = "model", mixinStandardHelpOptions = true,
      description = {"The shapes benchmark of trained models: sample each split's graphs with each model and guidance "
          + "scale, then OOR, relation accuracy, exact counts, CLIP-FID and diversity (model.eval.ModelBenchmark). "
          + "ARGS: --dataset DIR --model NAME=DIR [--model NAME=DIR ...] [--caption NAME[,NAME]] "
          + "[--splits test,test_unseen] [--limit 200] [--samples 2] [--steps N] [--guidance W[,W]] [--grid 8] "
          + "[--compare A:B[,A:B]] [--relation-guidance 0] [--eta E] [--only all|clip|reliance] [--out DIR].",
          "Rows are prompted with the graph's object labels; the rows named by --caption with the graph flattened to "
              + "the caption stage 0b trains on (a stage-0b model from `graphpaint train export --stage 0b "
              + "--fusion TEXT_ONLY`). report.json records each row's prompt. --grid N writes OUT/grid-SPLIT.png "
              + "(and .md) for the first N graphs: the graph as text, its ground truth and the first sample of each "
              + "model at the first guidance scale, enlarged with nearest neighbour; 0 = no grid. Without --steps "
              + "or --guidance every row samples with the first model's own settings (its model.json), so a bare "
              + "run measures what that model serves.",
          "Each row has the standard errors of its OOR and relation accuracy over graphs (oor_se, "
              + "relation_accuracy_se, and relation_accuracy_among_found_se for the relations whose two objects were "
              + "found); the comparisons give A's OOR and relation accuracy minus B's for each split "
              + "and scale, paired over the same graphs and seeds, with their errors (--compare A:B,...; by default "
              + "the first model against each other one). --relation-guidance S also steers every sample away from "
              + "its graph with the relationships reversed (0 = off). --eta E samples with DDIM eta E (0 deterministic, 1 "
              + "as stochastic as DDPM) instead of each model's own.",
          "--only clip samples nothing: a row per model and split with its CLIP's relation measures on the ground "
              + "truth (clip_reversed_caption_preference, clip_text_shift_reversed, clip_image_shift_mirrored), "
              + "for a stage-0a CLIP from `graphpaint train export --stage 0a`. --only reliance samples nothing "
              + "either: the denoiser's condition reliance on the ground truth (condition_gain, "
              + "condition_gain_vs_reversed and the rest, as a full run's rows carry them) and the CLIP's measures."})
  static final class Model implements Callable<Integer> {
    @picocli.CommandLine.Unmatched // the benchmark parses its own --options
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      try {
        ModelBenchmark.main(args.toArray(String[]::new));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 2, e);
      }
      return 0;
    }
  }

  @Command(name = "compare", mixinStandardHelpOptions = true,
      description = {"Paired differences between the samples two `bench model` runs stored (model.eval.SampleComparison): "
          + "for the same dataset, graphs, seeds and settings, A's OOR and relation accuracy (overall and among the "
          + "pairs whose two objects were drawn) minus B's per split, with "
          + "paired standard errors over graphs; nothing is sampled. ARGS: --dataset DIR --a OUT:MODEL --b OUT:MODEL "
          + "[--splits test,test_unseen] [--limit 200] [--samples 2] [--guidance W] (as the runs were given; without --guidance, the one scale both runs stored)."})
  static final class Compare implements Callable<Integer> {
    @picocli.CommandLine.Unmatched // the comparison parses its own --options
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      try {
        SampleComparison.main(args.toArray(String[]::new));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 2, e);
      }
      return 0;
    }
  }

  @Command(name = "worker", mixinStandardHelpOptions = true,
      description = "The generation worker on the embedded stack serving a model directory (cli.bench.WorkerBench): "
          + "Kafka's end-to-end latency as the reference (in process and Kafka's EndToEndLatency tool), the latency "
          + "split and pipeline overhead of requests sent one at a time, burst throughput at batch.max.size 8 against 1 "
          + "(batch 8 with the UNet per image and/or on the whole batch), and RSS over a soak. Image size and "
          + "guidance come from the model's model.json.")
  static final class Worker implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR",
        description = "Model directory to serve (default: models/default of the graphpaint installation).")
    Path model;

    @Option(names = "--steps", defaultValue = "8", description = "DDIM steps per request (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--latency", paramLabel = "N", defaultValue = "30",
        description = "Requests sent one at a time in the latency phase (default: ${DEFAULT-VALUE}).")
    int latency;

    @Option(names = "--burst", paramLabel = "N", defaultValue = "64",
        description = "Requests sent at once per burst (default: ${DEFAULT-VALUE}).")
    int burst;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
        description = "Rounds of the burst phase, each measuring every batch setting once, interleaved; throughputs "
            + "and ratios are medians over the rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--soak", paramLabel = "N", defaultValue = "500",
        description = "Requests of the soak phase (default: ${DEFAULT-VALUE}).")
    int soak;

    @Option(names = "--kafka", paramLabel = "N", defaultValue = "1000",
        description = "Records of each Kafka end-to-end reference (default: ${DEFAULT-VALUE}).")
    int kafka;

    @Option(names = "--phases", paramLabel = "PHASE", split = ",", defaultValue = "latency,burst,soak",
        description = "Phases to run, among latency, burst, soak (default: ${DEFAULT-VALUE}).")
    List<String> phases;

    @Option(names = "--batch-mode", paramLabel = "MODE", defaultValue = "both",
        description = "UNet mode(s) the burst measures at batch 8: per-image (the default worker setting), whole "
            + "(graphpaint.worker.batch.unet.whole=true) or both (default: ${DEFAULT-VALUE}).")
    String batchMode;

    @Spec
    CommandSpec spec;

    /** The checked options; a wrong value is a one-line error naming the flag. */
    WorkerBench.Options options() {
      WorkerBench.Options options;
      try {
        options = new WorkerBench.Options(model != null ? model : Home.defaultModel(), steps, latency, burst, rounds,
            soak, kafka, WorkerBench.Options.parsePhases(phases), WorkerBench.BatchMode.parse(batchMode));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 2, e);
      }
      if (!Files.isRegularFile(options.model().resolve("model.json"))) {
        throw new CliException((model != null ? "--model " + model : "the shipped model " + options.model())
            + " holds no model.json: give a model directory (model.json + weights)", 2, null);
      }
      return options;
    }

    @Override
    public Integer call() throws Exception {
      WorkerBench.Options options = options();
      try {
        WorkerBench.run(options, spec.commandLine().getOut());
      } catch (IllegalArgumentException e) {
        throw new CliException(Failures.oneLine(e), e);
      }
      return 0;
    }
  }

  /** Positional numbers checked here, so a typo is one line rather than a NumberFormatException deep inside. */
  static String[] numbers(List<String> args) {
    for (String arg : args) {
      try {
        Double.parseDouble(arg);
      } catch (NumberFormatException e) {
        throw new CliException("benchmark arguments are numbers, got '" + arg + "'", 2, null);
      }
    }
    return args.toArray(String[]::new);
  }
}
