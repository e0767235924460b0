package io.graphpaint.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelConfig;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.model.checkpoint.SafetensorsFile;
import io.graphpaint.model.checkpoint.SamplingDefaults;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.fusion.FusionMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the whole recipe 0a -> 0b -> 1 -> 2 on a dataset directory into a run directory, and
 * writes the final model to {@code <run>/model}. Safe to kill at any time: every stage
 * checkpoints every N steps, and a restart with the same run directory continues from the last
 * checkpoint (the architecture, tokenizer and training config are read back from the run
 * directory, so a restart cannot silently change them).
 *
 * <pre>
 *   run/architecture.json  run/training.json  run/tokenizer.json
 *   run/stages/0a-clip/step-00000250/...  latest  final.safetensors  summary.json
 *   run/model/   model.json, *.safetensors, tokenizer.json, metrics.json
 * </pre>
 */
public final class TrainRecipe {

  static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
          // read-only list properties such as CLIP's "architectures" must not be filled through getters
          .disable(com.fasterxml.jackson.databind.MapperFeature.USE_GETTERS_AS_SETTERS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();
  private static final String FINAL_WEIGHTS = "final.safetensors";
  private static final String SUMMARY = "summary.json";
  static final String ARCHITECTURE = "architecture.json";
  static final String TOKENIZER = "tokenizer.json";
  static final String TRAINING = "training.json";
  /** Where a variant run records the base run it was started with (its absolute path, one line). */
  static final String BASE_RUN = "base-run.txt";

  /** {@code <run>/stages/<id>}: the stage's checkpoints, final weights and summary. */
  public static Path stageDirectory(Path run, StageKind kind) {
    return run.resolve("stages").resolve(kind.id());
  }

  /** The whole model's weights at the end of a stage; absent until the stage has finished. */
  public static Path finalWeights(Path run, StageKind kind) {
    return stageDirectory(run, kind).resolve(FINAL_WEIGHTS);
  }

  /** The stage's summary (steps, losses, speed); written with its final weights. */
  static Path summary(Path run, StageKind kind) {
    return stageDirectory(run, kind).resolve(SUMMARY);
  }

  /**
   * @param dataset dataset directory (manifest.jsonl, vocab.json, images)
   * @param run run directory
   * @param stepsScale multiplies every stage's default step count, > 0
   * @param seed run seed
   * @param limit use at most this many training samples (0 = all)
   * @param checkpointEvery steps between checkpoints
   * @param fusionMode conditioning layout; null = APPEND, or the base run's when {@code base} is set
   * @param textLength token length of captions and prompts
   * @param logEvery console progress interval in steps
   * @param tiny the test-sized model instead of the default one (first start of a run only)
   * @param threads libtorch threads (0 = its default, one per core); 1 is faster when other
   *     processes share the cores
   * @param base another run whose finished stages 0a, 0b and 1 this run starts from (its
   *     architecture, tokenizer and recipe are copied on the first start, then {@code fusionMode}
   *     and {@code lambda} override them); stage 2 is always trained in this run: the way to train
   *     variants of stage 2 on the same earlier stages; recorded in the run ({@value #BASE_RUN}), so
   *     a later start may leave it out; null for none (or the recorded one)
   * @param lambda stage-2 weight of L_recon against L_align (1 = no alignment loss); null keeps
   *     the recipe's; recorded in a new run's training.json, and a run that has begun cannot change it
   * @param recipe a training.json to start a new run with (steps, batch sizes, optimisers, EMA per
   *     stage) instead of the defaults scaled by {@code stepsScale}; null for none
   * @param extend new step counts for stages of an existing run: a finished stage is
   *     reopened at its last checkpoint and trained on (the learning rate is constant after
   *     warm-up, so this equals a run planned that long), and the stages trained on its weights
   *     are set aside as {@code stages/<id>.superseded} and trained again; a stage that has not
   *     yet trained past a smaller count is cut back to it; empty for none
   * @param guidance the classifier-free guidance scale the model samples with by default
   *     (model.json's {@code sampling.guidanceScale}), recorded in the run's architecture.json so
   *     later starts keep it; it does not change training, so it may be given to a run at any time
   *     (a finished run then writes its model again); null keeps the run's (1.5 for a new run)
   * @param relationNegatives stage 0a with relation hard negatives (see {@link
   *     TrainingConfig#relationNegatives()}); recorded in a new run's training.json; null keeps the
   *     recipe's (off by default); a run that takes stage 0a from its base cannot change it
   * @param architecture an architecture.json (as a run directory holds) for a new run instead of
   *     the default or tiny sizes: other widths, depths, patch sizes or UNet channels on the same
   *     data (its vocabulary, tokenizer and image size must be the data's); null for none
   * @param labelDropout stage 2's label dropout (see {@link TrainingConfig#labelDropout()}),
   *     recorded in a new run's training.json (a variant on a base run included); null keeps the
   *     recipe's (0 by default); a run that has begun cannot change it
   */
  public record Options(
      Path dataset, Path run, double stepsScale, long seed, int limit, int checkpointEvery,
      FusionMode fusionMode, int textLength, int logEvery, boolean tiny, int threads, Path base, Double lambda,
      Path recipe, Map<StageKind, Integer> extend, Double guidance, Boolean relationNegatives, Path architecture,
      Double labelDropout) {

    public Options {
      extend = extend == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(extend));
      if (dataset == null || run == null) {
        throw new IllegalArgumentException("--dataset and --run are required");
      }
      if (!(stepsScale > 0) || Double.isInfinite(stepsScale)) {
        throw new IllegalArgumentException("--steps-scale must be finite and > 0, got " + stepsScale);
      }
      if (limit < 0) {
        throw new IllegalArgumentException("--limit must be >= 0 (0 = all samples), got " + limit);
      }
      if (checkpointEvery < 1) {
        throw new IllegalArgumentException("--checkpoint-every must be >= 1, got " + checkpointEvery);
      }
      if (textLength < 4 || textLength > 77) {
        throw new IllegalArgumentException("--text-length must be within [4, 77], got " + textLength);
      }
      if (threads < 0 || threads > 256) {
        throw new IllegalArgumentException("--threads must be within [0, 256] (0 = libtorch's default), got " + threads);
      }
      if (logEvery < 1) {
        throw new IllegalArgumentException("--log-every must be >= 1, got " + logEvery);
      }
      if (lambda != null && !(lambda >= 0 && lambda <= 1)) {
        throw new IllegalArgumentException("--lambda must be within [0, 1] (1 = no alignment loss), got " + lambda);
      }
      if (guidance != null) {
        SamplingDefaults.requireGuidanceScale("--guidance", guidance);
      }
      if (labelDropout != null && !(labelDropout >= 0 && labelDropout < 1)) {
        throw new IllegalArgumentException("--label-dropout must be within [0, 1) (the share of stage-2 samples "
            + "conditioned on graph tokens alone; 0 = off), got " + labelDropout);
      }
      if (base != null && base.toAbsolutePath().normalize().equals(run.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("--base must be another run directory than --run, got " + base);
      }
      if (base != null && architecture != null) {
        throw new IllegalArgumentException("--architecture sets the sizes of a new run; a run with --base has its base "
            + "run's architecture");
      }
      if (base != null && relationNegatives != null) {
        throw new IllegalArgumentException("--relation-negatives changes stage 0a, which a run with --base takes from "
            + "its base run; start a new run without --base to train with it");
      }
    }

    /** The options of a run without a base run or a lambda override. */
    public Options(Path dataset, Path run, double stepsScale, long seed, int limit, int checkpointEvery,
        FusionMode fusionMode, int textLength, int logEvery, boolean tiny, int threads) {
      this(dataset, run, stepsScale, seed, limit, checkpointEvery, fusionMode, textLength, logEvery, tiny, threads,
          null, null, null, null, null, null, null, null);
    }

    /** The same options with {@code newBase} as the base run. */
    Options withBase(Path newBase) {
      return new Options(dataset, run, stepsScale, seed, limit, checkpointEvery, fusionMode, textLength, logEvery, tiny,
          threads, newBase, lambda, recipe, extend, guidance, relationNegatives, architecture, labelDropout);
    }

    /** {@code 0b=4000,2=2000}: stage (id or short id) to its new step count. */
    static Map<StageKind, Integer> parseExtend(String value) {
      Map<StageKind, Integer> out = new java.util.EnumMap<>(StageKind.class);
      for (String part : value.split(",")) {
        String[] pair = part.trim().split("=", 2);
        if (pair.length != 2) {
          throw new IllegalArgumentException("--extend takes STAGE=STEPS[,STAGE=STEPS...], e.g. 0b=4000,2=2000; got '"
              + part.trim() + "'");
        }
        StageKind kind = StageKind.fromId(pair[0].trim());
        int steps;
        try {
          steps = Integer.parseInt(pair[1].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--extend " + pair[0].trim() + "=" + pair[1].trim() + ": the step count is not a number", e);
        }
        if (steps < 1) {
          throw new IllegalArgumentException("--extend " + kind.id() + " must be >= 1 steps, got " + steps);
        }
        if (out.put(kind, steps) != null) {
          throw new IllegalArgumentException("--extend names stage " + kind.id() + " twice");
        }
      }
      return out;
    }

    static final String USAGE =
        "usage: TrainRecipe --dataset DIR --run DIR [--steps-scale 1.0] [--seed 1] [--limit 0]"
            + " [--checkpoint-every 250] [--fusion APPEND|INTERLEAVE|APPEND_LOCAL|APPEND_TRIPLES|TEXT_ONLY]"
            + " [--text-length 48] [--log-every 50] [--size default|tiny] [--threads 0] [--base RUN_DIR] [--lambda 0.7] [--recipe training.json]"
            + " [--extend 0b=4000,2=2000] [--guidance 1.5] [--relation-negatives true|false] [--architecture architecture.json]"
            + " [--label-dropout 0.5]";

    private static boolean parseSize(String size) {
      return switch (size) {
        case "tiny" -> true;
        case "default" -> false;
        default -> throw new IllegalArgumentException("--size must be default or tiny, got " + size);
      };
    }

    private static FusionMode fusionMode(String name) {
      try {
        return FusionMode.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--fusion must be one of " + FusionMode.names() + ", got '" + name + "'", e);
      }
    }

    public static Options parse(String... args) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'\n" + USAGE);
        }
        values.put(args[i].substring(2), args[i + 1]);
      }
      List<String> known = List.of("dataset", "run", "steps-scale", "seed", "limit", "checkpoint-every", "fusion", "text-length", "log-every", "size", "threads", "base", "lambda", "recipe", "extend", "guidance", "relation-negatives", "architecture", "label-dropout");
      for (String name : values.keySet()) {
        if (!known.contains(name)) {
          throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
        }
      }
      return new Options(
          values.containsKey("dataset") ? Path.of(values.get("dataset")) : null,
          values.containsKey("run") ? Path.of(values.get("run")) : null,
          number(values, "steps-scale", "1.0"),
          wholeNumber(values, "seed", "1", Long::valueOf),
          wholeNumber(values, "limit", "0", Integer::valueOf),
          wholeNumber(values, "checkpoint-every", "250", Integer::valueOf),
          values.containsKey("fusion") ? fusionMode(values.get("fusion")) : null,
          wholeNumber(values, "text-length", "48", Integer::valueOf),
          wholeNumber(values, "log-every", "50", Integer::valueOf),
          parseSize(values.getOrDefault("size", "default")),
          wholeNumber(values, "threads", "0", Integer::valueOf),
          values.containsKey("base") ? Path.of(values.get("base")) : null,
          number(values, "lambda", null),
          values.containsKey("recipe") ? Path.of(values.get("recipe")) : null,
          values.containsKey("extend") ? parseExtend(values.get("extend")) : null,
          number(values, "guidance", null),
          values.containsKey("relation-negatives") ? flag(values.get("relation-negatives")) : null,
          values.containsKey("architecture") ? Path.of(values.get("architecture")) : null,
          number(values, "label-dropout", null));
    }

    private static boolean flag(String value) {
      return switch (value.trim()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException("--relation-negatives must be true or false, got '" + value + "'");
      };
    }
  }

  /** Option {@code name} parsed as a number, {@code fallback} when absent (null: none); the error names the option. */
  private static Double number(Map<String, String> values, String name, String fallback) {
    return parsed(values, name, fallback, Double::valueOf, "a number");
  }

  private static <T extends Number> T wholeNumber(Map<String, String> values, String name, String fallback,
      java.util.function.Function<String, T> parse) {
    return parsed(values, name, fallback, parse, "a whole number");
  }

  private static <T> T parsed(Map<String, String> values, String name, String fallback,
      java.util.function.Function<String, T> parse, String what) {
    String text = values.getOrDefault(name, fallback);
    if (text == null) {
      return null;
    }
    try {
      return parse.apply(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be " + what + ", got '" + text + "'\n" + Options.USAGE, e);
    }
  }

  private Options options;
  private final List<ProgressListener> listeners;

  /** How long a shutdown waits for the step in progress to end and be checkpointed. */
  static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(120);

  private final AtomicBoolean stopRequested = new AtomicBoolean();

  public TrainRecipe(Options options, List<ProgressListener> listeners) {
    this.options = options;
    this.listeners = List.copyOf(listeners);
  }

  public static void main(String[] args) {
    Options options = Options.parse(args);
    if (options.threads() > 0) {
      // read once when the engine starts, so it must be set before any array is made
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.threads()));
    }
    new TrainRecipe(options, List.of(ProgressListener.console(options.logEvery()))).runUntilShutdown();
  }

  /**
   * Asks a running {@link #run()} to stop after the step in progress: that step's checkpoint is
   * written and {@code run()} throws {@link Stopped}. Callable from any thread.
   */
  public void requestStop() {
    stopRequested.set(true);
  }

  /**
   * {@link #run()} with a JVM shutdown hook: on SIGTERM or Ctrl-C the step in progress finishes
   * and is checkpointed before the JVM exits (waiting at most {@link #SHUTDOWN_WAIT}), so the run
   * continues from that step, and the JVM never exits while libtorch is inside a kernel, which can
   * end in a native crash.
   *
   * @return the model directory, or null when a shutdown stopped the run
   */
  public Path runUntilShutdown() {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      requestStop();
      try {
        if (!finished.await(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS)) {
          System.err.println("graphpaint training: the step in progress did not end within " + SHUTDOWN_WAIT.toSeconds()
              + " s of the shutdown; exiting without its checkpoint (the run continues from the last one)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "graphpaint-train-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run();
    } catch (Stopped e) {
      System.out.println("graphpaint training: " + e.getMessage());
      return null;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and has just been released
      }
    }
  }

  /** Thrown by {@link #run()} after {@link #requestStop()}: the step it stopped after is checkpointed. */
  public static final class Stopped extends RuntimeException {
    private final StageKind stage;
    private final long step;

    Stopped(StageKind stage, long step, long steps) {
      super("stopped after step " + step + " of " + steps + " of stage " + stage.id()
          + "; its checkpoint is written, and the same command continues from it");
      this.stage = stage;
      this.step = step;
    }

    public StageKind stage() {
      return stage;
    }

    /** The last step done and checkpointed. */
    public long step() {
      return step;
    }
  }

  /** Runs (or continues) every stage and writes {@code <run>/model}; returns that directory. */
  public Path run() {
    try {
      Files.createDirectories(options.run());
      options = withRecordedBase(options);
      Vocabulary vocabulary = Vocabulary.load(options.dataset().resolve(ShapesDatasets.VOCAB_FILE));
      TrainingData data = TrainingData.read(options.dataset(), "train", vocabulary, options.limit());
      System.out.println("graphpaint training: " + data.size() + " samples from " + options.dataset() + " into " + options.run());
      Map.Entry<ModelConfig, byte[]> architecture = architecture(vocabulary, data);
      ModelConfig modelConfig = architecture.getKey();
      byte[] tokenizer = architecture.getValue();
      TrainingConfig trainingConfig = extend(trainingConfig(modelConfig.fusion().mode()));
      Engine.getInstance().setRandomSeed((int) options.seed());
      Map<String, Object> metrics = new LinkedHashMap<>();
      try (NDManager manager = NDManager.newBaseManager();
          GraphPaintModel model = GraphPaintModel.create(modelConfig, vocabulary, tokenizer, manager)) {
        metrics.put("parameters", parameterCounts(model));
        // finished stages (here or in the base run) in order: where a stage that starts afresh
        // takes its weights from
        List<Map.Entry<StageKind, Path>> finished = new ArrayList<>();
        boolean weightsCurrent = false;
        for (StageKind kind : StageKind.values()) {
          Path stageDirectory = options.run().resolve("stages").resolve(kind.id());
          if (Files.isRegularFile(stageDirectory.resolve(FINAL_WEIGHTS))) {
            if (weightsCurrent) {
              // an earlier stage was reopened (--extend) and has just trained: take this finished
              // stage's own components from its final weights, keep the rest
              loadStage(model, stageDirectory, kind.trainedComponents(), false, manager);
            }
            finished.add(Map.entry(kind, stageDirectory));
            metrics.put(kind.id(), JSON.readValue(stageDirectory.resolve(SUMMARY).toFile(), Map.class));
            continue;
          }
          StageCheckpoints checkpoints = new StageCheckpoints(stageDirectory, 2);
          // stage 2 is what a variant is about: it is always trained here, never taken from the base
          Path baseStage = options.base() == null || kind == StageKind.FINE_TUNING ? null
              : options.base().resolve("stages").resolve(kind.id());
          if (!weightsCurrent && checkpoints.latestStep().isEmpty() && baseStage != null
              && Files.isRegularFile(baseStage.resolve(FINAL_WEIGHTS))) {
            // finished in the base run and not begun here: this run starts after it
            finished.add(Map.entry(kind, baseStage));
            Map<String, Object> summary = new LinkedHashMap<>(JSON.readValue(baseStage.resolve(SUMMARY).toFile(), Map.class));
            summary.put("fromBaseRun", options.base().getFileName().toString());
            metrics.put(kind.id(), summary);
            continue;
          }
          if (!weightsCurrent && checkpoints.latestStep().isEmpty() && !finished.isEmpty()) {
            loadFinished(model, finished, options.base(), manager);
          }
          metrics.put(kind.id(), runStage(kind, model, data, trainingConfig, checkpoints, manager));
          weightsCurrent = true;
          finished.add(Map.entry(kind, stageDirectory));
        }
        if (!weightsCurrent && !finished.isEmpty()) {
          loadFinished(model, finished, options.base(), manager);
        }
        Path modelDirectory = options.run().resolve("model");
        ModelDirectory.save(model, modelDirectory, JSON.valueToTree(trainingConfig), metrics);
        System.out.println("graphpaint model written to " + modelDirectory);
        return modelDirectory;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Object> runStage(
      StageKind kind, GraphPaintModel model, TrainingData data, TrainingConfig config,
      StageCheckpoints checkpoints, NDManager manager) throws IOException {
    Map<String, Object> summary = new LinkedHashMap<>();
    try (StageTrainer trainer = new StageTrainer(kind, model, data, config, manager)) {
      TrainingLoop.Result result = trainer.loop(checkpoints, listeners).run(manager, Long.MAX_VALUE, stopRequested::get);
      if (result.lastStep() < config.stage(kind).steps()) {
        throw new Stopped(kind, result.lastStep(), config.stage(kind).steps());
      }
      trainer.finish();
      summary.put("steps", config.stage(kind).steps());
      summary.put("batchSize", config.stage(kind).batchSize());
      summary.put("millisPerStep", result.millisPerStep());
      summary.put("samplesPerSecond", result.millisPerStep() > 0 ? config.stage(kind).batchSize() * 1000.0 / result.millisPerStep() : 0);
      summary.put("skippedSteps", result.skippedSteps());
      summary.put("finalLosses", meanOfLast(result.losses(), 50));
    }
    SafetensorsFile.write(checkpoints.directory().resolve(FINAL_WEIGHTS), model.parameters().arrays());
    Files.write(checkpoints.directory().resolve(SUMMARY), JSON.writeValueAsBytes(summary));
    return summary;
  }

  /**
   * The weights after the last of {@code finished}: its final weights, then each finished stage's
   * own components from that stage's final weights, in order. A stage's final weights hold every
   * component as it was when the stage ended, so after {@code --extend} reopened an earlier stage
   * they hold that stage's old components (stage 1's file holds the UNet of the stage 0b it
   * followed); each component is taken from the last stage that trained it.
   */
  private static void loadFinished(GraphPaintModel model, List<Map.Entry<StageKind, Path>> finished, Path base,
      NDManager manager) {
    Path last = finished.get(finished.size() - 1).getValue();
    loadStage(model, last, List.of(), base != null && last.startsWith(base), manager);
    for (Map.Entry<StageKind, Path> stage : finished) {
      Path directory = stage.getValue();
      loadStage(model, directory, stage.getKey().trainedComponents(), base != null && directory.startsWith(base), manager);
    }
  }

  /**
   * Loads {@code components} (all when empty) from a finished stage's final weights; {@code
   * fromBase}: the stage is the base run's, whose fusion mode may differ from this run's.
   */
  private static void loadStage(GraphPaintModel model, Path stageDirectory, List<String> components, boolean fromBase,
      NDManager manager) {
    try (NDManager scratch = manager.newSubManager()) {
      Path file = stageDirectory.resolve(FINAL_WEIGHTS);
      Map<String, NDArray> weights = new LinkedHashMap<>(SafetensorsFile.read(file, scratch));
      if (!components.isEmpty()) {
        weights.keySet().removeIf(name -> !components.contains(name.substring(0, Math.max(0, name.indexOf('.')))));
      }
      // a variant with another fusion mode than its base run leaves the base's fusion weights it
      // has no parameter for (TEXT_ONLY has no graph projection), and keeps its own initial value
      // for a fusion parameter the base has none of (APPEND_LOCAL's object projection,
      // APPEND_TRIPLES's triple projection); stage 2 trains the fusion. Everything else must match,
      // and all of a stage of this run itself.
      boolean fusionInScope = fromBase && (components.isEmpty() || components.contains(GraphPaintModel.FUSION));
      Map<String, NDArray> own = model.parameters().arrays();
      List<String> dropped = new ArrayList<>();
      weights.keySet().removeIf(name -> {
        boolean foreign = isFusion(name) && !own.containsKey(name);
        if (foreign) {
          dropped.add(name);
        }
        return foreign;
      });
      List<String> kept = new ArrayList<>();
      if (fusionInScope) {
        own.forEach((name, array) -> {
          if (isFusion(name) && !weights.containsKey(name)) {
            NDArray copy = array.duplicate();
            copy.attach(scratch);
            weights.put(name, copy);
            kept.add(name);
          }
        });
      }
      if (components.isEmpty() && !(dropped.isEmpty() && kept.isEmpty())) {
        System.out.println("graphpaint training: fusion mode " + model.config().fusion().mode() + " with the weights of "
            + file + ": left out " + dropped + ", kept at initialisation " + kept);
      }
      model.parameters().load(weights, components, file.toString());
    }
  }

  private static boolean isFusion(String parameterName) {
    return parameterName.startsWith(GraphPaintModel.FUSION + ".");
  }

  /** Stages that start from the weights {@code kind} trained (so an extended {@code kind} makes them stale). */
  static List<StageKind> trainedOn(StageKind kind) {
    return switch (kind) {
      case CLIP_PRETRAINING -> List.of(StageKind.TEXT_TO_IMAGE, StageKind.ALIGNMENT, StageKind.FINE_TUNING);
      case TEXT_TO_IMAGE, ALIGNMENT -> List.of(StageKind.FINE_TUNING);
      case FINE_TUNING -> List.of();
    };
  }

  /**
   * Applies {@code --extend}: checks every requested stage first (nothing is changed when one
   * cannot be extended), then reopens finished stages at their last checkpoint, sets their
   * dependants aside and records the new step counts in the run's training.json.
   */
  private TrainingConfig extend(TrainingConfig config) throws IOException {
    if (options.extend().isEmpty()) {
      return config;
    }
    List<StageKind> grown = new ArrayList<>();
    for (Map.Entry<StageKind, Integer> entry : options.extend().entrySet()) {
      StageKind kind = entry.getKey();
      int planned = config.stage(kind).steps();
      int wanted = entry.getValue();
      if (wanted < planned) {
        requireShortenable(kind, planned, wanted);
      }
      if (wanted > planned && Files.isRegularFile(stageDirectory(options.run(), kind).resolve(FINAL_WEIGHTS))) {
        grown.add(kind);
      }
    }
    // A finished stage trained on another stage that is reopened is not reopened itself: its
    // weights come from the earlier weights of that stage, so it is set aside and trained again
    // from the start, to its new step count.
    List<StageKind> reopen = new ArrayList<>();
    for (StageKind kind : grown) {
      if (grown.stream().noneMatch(earlier -> trainedOn(earlier).contains(kind))) {
        reopen.add(kind);
      }
    }
    for (StageKind kind : reopen) {
      Path directory = stageDirectory(options.run(), kind);
      int planned = config.stage(kind).steps();
      if (options.base() != null && kind != StageKind.FINE_TUNING) {
        throw new IllegalArgumentException("--extend " + kind.id() + ": this run takes that stage from its base run "
            + options.base() + "; extend it there");
      }
      java.util.Optional<Long> last = new StageCheckpoints(directory, 2).latestStep();
      if (last.isEmpty() || last.get() != planned) {
        throw new IllegalArgumentException("--extend " + kind.id() + ": the stage finished at " + planned
            + " steps, but its checkpoint at step " + planned + " is gone (latest: "
            + last.map(String::valueOf).orElse("none") + "), so it cannot continue");
      }
    }
    TrainingConfig extended = config;
    for (Map.Entry<StageKind, Integer> entry : options.extend().entrySet()) {
      extended = extended.withStage(entry.getKey(), extended.stage(entry.getKey()).withSteps(entry.getValue()));
    }
    for (StageKind kind : reopen) {
      Path directory = stageDirectory(options.run(), kind);
      Files.delete(directory.resolve(FINAL_WEIGHTS));
      Files.deleteIfExists(directory.resolve(SUMMARY));
      System.out.println("graphpaint training: " + kind.id() + " reopened at step " + config.stage(kind).steps()
          + " to train on to " + extended.stage(kind).steps());
      for (StageKind later : trainedOn(kind)) {
        Path laterDirectory = stageDirectory(options.run(), later);
        if (Files.isDirectory(laterDirectory) && !reopen.contains(later)) {
          Path aside = laterDirectory.resolveSibling(later.id() + ".superseded");
          if (Files.exists(aside)) {
            StageCheckpoints.deleteRecursively(aside);
          }
          Files.move(laterDirectory, aside);
          System.out.println("graphpaint training: " + later.id() + " was trained on the earlier " + kind.id()
              + "; set aside as " + aside.getFileName() + " and trained again");
        }
      }
    }
    Files.write(options.run().resolve(TRAINING), JSON.writeValueAsBytes(JSON.valueToTree(extended)));
    return extended;
  }

  /**
   * A stage may be planned shorter only while it has not trained past the new count: not finished,
   * and no checkpoint beyond it (the learning rate is constant after warm-up, so the shorter stage
   * equals a run planned that long). A finished stage cannot be cut back: the stages after it
   * trained on all of it.
   */
  private void requireShortenable(StageKind kind, int planned, int wanted) {
    String what = "--extend " + kind.id() + "=" + wanted + " would shorten the stage from " + planned + " steps";
    if (options.base() != null && kind != StageKind.FINE_TUNING) {
      throw new IllegalArgumentException(what + ", but this run takes that stage from its base run " + options.base());
    }
    Path directory = stageDirectory(options.run(), kind);
    if (Files.isRegularFile(directory.resolve(FINAL_WEIGHTS))) {
      throw new IllegalArgumentException(what + ", but it has finished; a finished stage can only grow");
    }
    java.util.Optional<Long> last = new StageCheckpoints(directory, 2).latestStep();
    if (last.isPresent() && last.get() > wanted) {
      throw new IllegalArgumentException(what + ", but it has a checkpoint at step " + last.get()
          + "; it can be cut back to no fewer steps than that");
    }
  }

  /**
   * Per name, the mean over those of the last {@code count} steps that logged it (a stage's final
   * losses; some figures, such as stage 0a's reversedPreference, are not logged every step).
   */
  public static Map<String, Double> meanOfLast(List<Map<String, Float>> losses, int count) {
    Map<String, Double> sums = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    List<Map<String, Float>> tail = losses.subList(Math.max(0, losses.size() - count), losses.size());
    for (Map<String, Float> step : tail) {
      step.forEach((name, value) -> {
        sums.merge(name, (double) value, Double::sum);
        counts.merge(name, 1, Integer::sum);
      });
    }
    sums.replaceAll((name, sum) -> sum / counts.get(name));
    return sums;
  }

  private static Map<String, Long> parameterCounts(GraphPaintModel model) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String component : model.parameters().components().keySet()) {
      counts.put(component, model.parameters().size(List.of(component)));
    }
    return counts;
  }

  /**
   * The model's configuration and tokenizer: read back on restart, else made from the data (or
   * the base run's); {@code --guidance} is applied either way and recorded.
   */
  private Map.Entry<ModelConfig, byte[]> architecture(Vocabulary vocabulary, TrainingData data) throws IOException {
    Path architecture = options.run().resolve(ARCHITECTURE);
    Path tokenizer = options.run().resolve(TOKENIZER);
    if (Files.isRegularFile(architecture) && Files.isRegularFile(tokenizer)) {
      ModelConfig recorded = JSON.readValue(architecture.toFile(), ModelConfig.class);
      if (options.architecture() != null && !sameSizes(recorded, JSON.readValue(options.architecture().toFile(), ModelConfig.class))) {
        throw new IllegalArgumentException("--architecture " + options.architecture() + " differs from the architecture "
            + "this run was started with (" + architecture + "); a run keeps its architecture, start a new run");
      }
      ModelConfig config = withGuidance(recorded);
      if (config.sampling().guidanceScale() != recorded.sampling().guidanceScale()) {
        System.out.println("sampling guidance " + recorded.sampling().guidanceScale() + " -> "
            + config.sampling().guidanceScale() + " (recorded in " + architecture.getFileName() + ")");
        Files.write(architecture, JSON.writeValueAsBytes(config));
      }
      return Map.entry(config, Files.readAllBytes(tokenizer));
    }
    ModelConfig config;
    byte[] words;
    if (options.base() != null) {
      Path baseArchitecture = options.base().resolve("architecture.json");
      Path baseTokenizer = options.base().resolve("tokenizer.json");
      if (!Files.isRegularFile(baseArchitecture) || !Files.isRegularFile(baseTokenizer)) {
        throw new IllegalArgumentException("--base " + options.base() + " is not a run directory: it has no "
            + "architecture.json and tokenizer.json");
      }
      config = JSON.readValue(baseArchitecture.toFile(), ModelConfig.class);
      words = Files.readAllBytes(baseTokenizer);
    } else {
      List<String> texts = new ArrayList<>(data.captions());
      texts.addAll(data.labelPrompts());
      WordTokenizer tokens = WordTokenizer.of(texts, options.textLength());
      config = options.tiny()
          ? ModelConfig.tiny(vocabulary, tokens.ids(), data.imageSize())
          : ModelConfig.defaults(vocabulary, tokens.ids(), data.imageSize());
      if (options.architecture() != null) {
        config = givenArchitecture(options.architecture(), config);
      }
      words = tokens.json();
    }
    if (options.fusionMode() != null) {
      config = config.withFusion(config.fusion().withMode(options.fusionMode()));
    }
    config = withGuidance(config);
    Files.write(tokenizer, words);
    Files.write(architecture, JSON.writeValueAsBytes(config));
    return Map.entry(config, words);
  }

  /**
   * The architecture in {@code file}, checked against {@code fromData} (the one made from the
   * dataset) for everything the data fixes: the tokenizer's vocabulary, special ids and length,
   * the image size and the scene-graph vocabulary.
   */
  static ModelConfig givenArchitecture(Path file, ModelConfig fromData) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--architecture " + file + " is not a file: give an architecture.json, as a "
          + "run directory holds");
    }
    ModelConfig given = JSON.readValue(file.toFile(), ModelConfig.class);
    List<String> wrong = new ArrayList<>();
    var text = given.clip().text();
    var dataText = fromData.clip().text();
    mustMatch(wrong, "clip.text_config.vocab_size", text.vocabSize(), dataText.vocabSize());
    mustMatch(wrong, "clip.text_config.max_position_embeddings", text.maxPositions(), dataText.maxPositions());
    mustMatch(wrong, "clip.text_config.bos_token_id", text.bosTokenId(), dataText.bosTokenId());
    mustMatch(wrong, "clip.text_config.eos_token_id", text.eosTokenId(), dataText.eosTokenId());
    mustMatch(wrong, "clip.text_config.pad_token_id", text.padTokenId(), dataText.padTokenId());
    mustMatch(wrong, "clip.vision_config.image_size", given.clip().vision().imageSize(), fromData.clip().vision().imageSize());
    mustMatch(wrong, "graphEncoder.num_objs", given.graphEncoder().numObjectClasses(), fromData.graphEncoder().numObjectClasses());
    mustMatch(wrong, "graphEncoder.num_preds", given.graphEncoder().numPredicates(), fromData.graphEncoder().numPredicates());
    mustMatch(wrong, "unet.sampleSize", given.unet().sampleSize(), fromData.unet().sampleSize());
    if (!wrong.isEmpty()) {
      throw new IllegalArgumentException("--architecture " + file + " does not fit this dataset and --text-length: "
          + String.join(", ", wrong) + "; sizes (widths, depths, patch size, UNet channels) may differ, these may not");
    }
    return given;
  }

  /** Whether {@code given} (with --fusion applied, as at the run's start) is {@code recorded}, sampling defaults aside. */
  private boolean sameSizes(ModelConfig recorded, ModelConfig given) {
    if (options.fusionMode() != null) {
      given = given.withFusion(given.fusion().withMode(options.fusionMode()));
    }
    return recorded.withSampling(SamplingDefaults.defaults()).equals(given.withSampling(SamplingDefaults.defaults()));
  }

  private static void mustMatch(List<String> wrong, String name, int given, int fromData) {
    if (given != fromData) {
      wrong.add(name + " is " + given + " where the data needs " + fromData);
    }
  }

  private ModelConfig withGuidance(ModelConfig config) {
    return options.guidance() == null ? config
        : config.withSampling(config.sampling().withGuidanceScale(options.guidance()));
  }

  /**
   * A variant run keeps its base run: recorded on the first start, taken from the record when a
   * later start leaves {@code --base} out (which would otherwise train stages 0a-1 afresh), and
   * another base is refused.
   */
  private static Options withRecordedBase(Options options) throws IOException {
    Path record = options.run().resolve(BASE_RUN);
    Path given = options.base() == null ? null : options.base().toAbsolutePath().normalize();
    if (!Files.isRegularFile(record)) {
      // only a real run is recorded: a mistyped --base fails later by name and leaves nothing behind
      if (given != null && isRunDirectory(given)) {
        Files.writeString(record, given + "\n");
      }
      return options;
    }
    Path recorded = Path.of(Files.readString(record).strip());
    if (given == null) {
      if (!isRunDirectory(recorded)) {
        throw new IllegalArgumentException("this run is a variant of the base run " + recorded + " (" + record
            + "), which is not there any more: give --base with where it is now");
      }
      System.out.println("a variant of the base run " + recorded + " (" + record.getFileName() + ")");
      return options.withBase(recorded);
    }
    if (!given.equals(recorded)) {
      if (isRunDirectory(recorded)) {
        throw new IllegalArgumentException("--base " + options.base() + ": this run is a variant of the base run "
            + recorded + " (" + record + "); give that one, or none");
      }
      if (isRunDirectory(given)) {
        // the base run was moved: the new place is recorded
        Files.writeString(record, given + "\n");
      }
    }
    return options;
  }

  private static boolean isRunDirectory(Path directory) {
    return Files.isRegularFile(directory.resolve(ARCHITECTURE)) && Files.isRegularFile(directory.resolve(TOKENIZER));
  }

  private TrainingConfig trainingConfig(FusionMode fusionMode) throws IOException {
    Path file = options.run().resolve(TRAINING);
    if (Files.isRegularFile(file)) {
      TrainingConfig recorded = JSON.readValue(file.toFile(), TrainingConfig.class);
      if (options.relationNegatives() != null && options.relationNegatives() != recorded.relationNegatives()) {
        throw new IllegalArgumentException("--relation-negatives " + options.relationNegatives() + ": this run was "
            + "started with relationNegatives " + recorded.relationNegatives() + " (" + file + "), and stage 0a, "
            + "trained or under way, keeps it; start a new run to change it");
      }
      if (options.lambda() != null && options.lambda() != recorded.lambda()) {
        throw new IllegalArgumentException("--lambda " + options.lambda() + ": this run was started with lambda "
            + recorded.lambda() + " (" + file + "), which it keeps; start a new run (a --base variant for stage 2) "
            + "to change it");
      }
      if (options.labelDropout() != null && options.labelDropout() != recorded.labelDropout()) {
        throw new IllegalArgumentException("--label-dropout " + options.labelDropout() + ": this run was started "
            + "with labelDropout " + recorded.labelDropout() + " (" + file + "), which it keeps; start a new run "
            + "(a --base variant for stage 2) to change it");
      }
      return recorded;
    }
    TrainingConfig config;
    if (options.recipe() != null) {
      if (!Files.isRegularFile(options.recipe())) {
        throw new IllegalArgumentException("--recipe " + options.recipe() + " is not a file: give a training.json "
            + "(as a run directory holds, or a model.json's \"training\" object saved as a file)");
      }
      config = JSON.readValue(options.recipe().toFile(), TrainingConfig.class);
    } else if (options.base() != null && Files.isRegularFile(options.base().resolve("training.json"))) {
      config = JSON.readValue(options.base().resolve("training.json").toFile(), TrainingConfig.class);
    } else {
      config = TrainingConfig.defaults(options.seed()).scaledSteps(options.stepsScale());
      for (StageKind kind : StageKind.values()) {
        config = config.withStage(kind, config.stage(kind).withCheckpointEvery(options.checkpointEvery()));
      }
    }
    if (options.lambda() != null) {
      config = config.withLambda(options.lambda());
    }
    if (options.relationNegatives() != null) {
      config = config.withRelationNegatives(options.relationNegatives());
    }
    if (options.labelDropout() != null) {
      config = config.withLabelDropout(options.labelDropout());
    }
    // refused before the run records anything, not when stage 2 begins
    io.graphpaint.model.fusion.ConditionFusion.requireGraphTokensForLabelDropout(fusionMode, config.labelDropout());
    ObjectNode tree = JSON.valueToTree(config);
    Files.write(file, JSON.writeValueAsBytes(tree));
    return config;
  }
}
