package io.graphpaint.cli;

import io.graphpaint.model.train.ExportStage;
import io.graphpaint.model.train.ImportModel;
import io.graphpaint.model.train.ProgressListener;
import io.graphpaint.model.train.TrainRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code graphpaint train}: the paper's training recipe (stages 0a, 0b, 1, 2) on a dataset directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a model with the recipe 0a (CLIP) -> 0b (text-to-image) -> 1 (graph alignment) -> "
        + "2 (fine-tuning) on a dataset directory; the model is written to RUN/model.",
        "Safe to stop at any time: the same command continues from the last checkpoint.",
        "`graphpaint train export` writes one finished stage of a run as a model directory; "
            + "`graphpaint train import` writes a model directory as a run to fine-tune further with --base."},
    subcommands = {TrainCommand.Export.class, TrainCommand.Import.class})
final class TrainCommand implements Callable<Integer> {

  // required, but checked in call(): picocli would otherwise demand them before `train export` too
  @Option(names = "--dataset", paramLabel = "DIR", description = "Dataset directory (`graphpaint dataset make`); required.")
  Path dataset;

  @Option(names = "--run", paramLabel = "DIR", description = "Run directory: checkpoints and the final model; required.")
  Path run;

  @Spec
  CommandSpec spec;

  @Option(names = "--steps-scale", defaultValue = "1.0",
      description = "Multiplies every stage's step count (default: ${DEFAULT-VALUE}).")
  double stepsScale;

  @Option(names = "--seed", defaultValue = "1", description = "Run seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--limit", defaultValue = "0", description = "Use at most N training samples, 0 = all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--checkpoint-every", defaultValue = "250", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--fusion",
      description = "Conditioning layout: APPEND, INTERLEAVE, APPEND_LOCAL, APPEND_TRIPLES or TEXT_ONLY (default: APPEND, or the base run's).")
  String fusion;

  @Option(names = "--base", paramLabel = "RUN",
      description = "Start from another run's finished stages 0a, 0b and 1 and train only stage 2 here: the way to "
          + "train variants (--fusion TEXT_ONLY, --lambda 1) on the same earlier stages. Recorded in the run, so a "
          + "later start (e.g. --extend 2=N) may leave it out.")
  Path base;

  @Option(names = "--lambda", paramLabel = "X",
      description = "Stage-2 weight of the reconstruction loss against the alignment loss, in [0, 1]; 1 trains without "
          + "the alignment loss; recorded in a new run or --base variant, which keeps it (default: the recipe's, 0.7).")
  Double lambda;

  @Option(names = "--recipe", paramLabel = "FILE",
      description = "A training.json for a new run (steps, batch sizes, optimisers and EMA per stage), e.g. the one a "
          + "shipped model was trained with, instead of the defaults scaled by --steps-scale.")
  Path recipe;

  @Option(names = "--extend", paramLabel = "STAGE=STEPS[,STAGE=STEPS...]",
      description = "Train stages of an existing run for longer, e.g. 0b=4000,2=2000: a finished stage continues from "
          + "its last checkpoint (as if it had been planned that long), and the stages trained on it (2 after 0b or 1; "
          + "0b, 1 and 2 after 0a) are set aside as stages/<id>.superseded and trained again. A stage that has not "
          + "finished may also be planned shorter, down to its latest checkpoint.")
  String extend;

  @Option(names = "--guidance", paramLabel = "W",
      description = "Classifier-free guidance scale the model samples with by default (model.json), in [0, 30]; "
          + "recorded in the run, and may be given to a finished run to write its model again (default: the run's, "
          + "1.5 for a new run).")
  Double guidance;

  @Option(names = "--architecture", paramLabel = "FILE",
      description = "An architecture.json (as a run directory holds) for a new run instead of the default sizes: other "
          + "widths, depths, CLIP patch size or UNet channels on the same dataset (its vocabulary, tokenizer and image "
          + "size must match, and the run says which do not).")
  Path architecture;

  @Option(names = "--relation-negatives",
      description = "Stage 0a also contrasts every image with its caption with the relations reversed (hard "
          + "negatives), so CLIP and the graph encoder aligned to it must encode where objects stand; a new run "
          + "records it (default: off).")
  boolean relationNegatives;

  @Option(names = "--label-dropout", paramLabel = "P",
      description = "Stage 2: the share of samples, in [0, 1), whose label-text tokens are masked out so the UNet "
          + "denoises them from the graph tokens alone and has to read them; sampling always gives both; recorded "
          + "in a new run or --base variant (default: the recipe's, 0).")
  Double labelDropout;

  @Option(names = "--text-length", defaultValue = "48", description = "Token length of prompts, 4-77 (default: ${DEFAULT-VALUE}).")
  int textLength;

  @Option(names = "--log-every", defaultValue = "50", description = "Progress line every N steps (default: ${DEFAULT-VALUE}).")
  int logEvery;

  @Option(names = "--threads", defaultValue = "0",
      description = "libtorch threads, 0 = one per core; 1 is faster when other processes share the cores (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--size", defaultValue = "default",
      description = "Model size for a new run: default or tiny (default: ${DEFAULT-VALUE}).")
  String size;

  @Override
  public Integer call() {
    List<String> missing = new ArrayList<>();
    if (dataset == null) {
      missing.add("'--dataset=DIR'");
    }
    if (run == null) {
      missing.add("'--run=DIR'");
    }
    if (!missing.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required options: " + String.join(", ", missing));
    }
    if (!Files.isRegularFile(dataset.resolve("manifest.jsonl"))) {
      throw new CliException("--dataset " + dataset + " is not a dataset directory (no manifest.jsonl); make one with "
          + "`graphpaint dataset make DIR`", 2, null);
    }
    List<String> args = new ArrayList<>(List.of("--dataset", dataset.toString(), "--run", run.toString(),
        "--steps-scale", Double.toString(stepsScale), "--seed", Long.toString(seed), "--limit", Integer.toString(limit),
        "--checkpoint-every", Integer.toString(checkpointEvery),
        "--text-length", Integer.toString(textLength), "--log-every", Integer.toString(logEvery),
        "--threads", Integer.toString(threads), "--size", size));
    if (fusion != null) {
      args.addAll(List.of("--fusion", fusion.toUpperCase(java.util.Locale.ROOT)));
    }
    if (base != null) {
      args.addAll(List.of("--base", base.toString()));
    }
    if (lambda != null) {
      args.addAll(List.of("--lambda", lambda.toString()));
    }
    if (recipe != null) {
      args.addAll(List.of("--recipe", recipe.toString()));
    }
    if (extend != null) {
      args.addAll(List.of("--extend", extend));
    }
    if (guidance != null) {
      args.addAll(List.of("--guidance", guidance.toString()));
    }
    if (relationNegatives) {
      args.addAll(List.of("--relation-negatives", "true"));
    }
    if (architecture != null) {
      args.addAll(List.of("--architecture", architecture.toString()));
    }
    if (labelDropout != null) {
      args.addAll(List.of("--label-dropout", labelDropout.toString()));
    }
    TrainRecipe.Options options = usageChecked(() -> TrainRecipe.Options.parse(args.toArray(String[]::new)));
    if (options.threads() > 0) {
      // read once when the engine starts, so it must be set before any array is made
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.threads()));
    }
    Path model = new TrainRecipe(options, List.of(ProgressListener.console(options.logEvery()))).runUntilShutdown();
    if (model == null) {
      // stopped by a shutdown (SIGTERM, Ctrl-C): the JVM is already exiting with the signal's status
      // (143, 130); the run continues from its checkpoint
      return 130;
    }
    System.out.println("serve it with: ./graphpaint up --model " + model);
    return 0;
  }

  /**
   * Options parsed by a training tool: a refusal is a usage error (exit 2) with the tool's own
   * message, without its usage block (picocli's --help is the usage here).
   */
  private static <T> T usageChecked(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage().lines().findFirst().orElse(e.getMessage()), 2, e);
    }
  }

  /** {@code graphpaint train export}: a finished stage of a run as a model directory (model.train.ExportStage). */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"Write the weights a run had at the end of one finished stage as a model directory, to sample "
          + "or benchmark it like the final model (model.train.ExportStage).",
          "Stage 0b with --fusion TEXT_ONLY is the caption-conditioned text-to-image model: benchmark it with "
              + "`graphpaint bench model ... --caption NAME`."})
  static final class Export implements Callable<Integer> {

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory of `graphpaint train`.")
    Path run;

    @Option(names = "--stage", required = true, paramLabel = "ID",
        description = "Finished stage: 0a-clip, 0b-text-to-image, 1-alignment or 2-fine-tuning (or 0a, 0b, 1, 2).")
    String stage;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write (new or empty).")
    Path out;

    @Option(names = "--fusion", paramLabel = "MODE",
        description = "Fusion mode of the exported model: APPEND, INTERLEAVE, APPEND_LOCAL, APPEND_TRIPLES or TEXT_ONLY (default: the run's).")
    String fusion;

    @Option(names = "--dataset", paramLabel = "DIR",
        description = "The run's dataset, for its vocabulary (default: taken from RUN/model once the run has finished).")
    Path dataset;

    @Option(names = "--guidance", paramLabel = "W",
        description = "Default classifier-free guidance scale of the exported model, in [0, 30] (default: the run's).")
    Double guidance;

    @Override
    public Integer call() {
      List<String> args = new ArrayList<>(List.of("--run", run.toString(), "--stage", stage, "--out", out.toString()));
      if (fusion != null) {
        args.addAll(List.of("--fusion", fusion));
      }
      if (dataset != null) {
        args.addAll(List.of("--dataset", dataset.toString()));
      }
      if (guidance != null) {
        args.addAll(List.of("--guidance", guidance.toString()));
      }
      ExportStage.Options options = usageChecked(() -> ExportStage.Options.parse(args.toArray(String[]::new)));
      ExportStage.Result result = ExportStage.export(options); // a failure is reported as one line, exit 1
      System.out.println("stage " + result.stage().id() + " of " + run + " written to " + result.directory() + " (fusion mode "
          + result.fusion() + ")" + (result.leftOut().isEmpty() ? "" : "; left out " + result.leftOut()));
      return 0;
    }
  }

  /** {@code graphpaint train import}: a model directory as a run that variants fine-tune further (model.train.ImportModel). */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Write a model directory as a training run whose stages 0a, 0b and 1 have finished with the "
          + "model's weights (model.train.ImportModel), the inverse of `graphpaint train export`.",
          "A run with --base on it trains stage 2 starting from the model: fine-tune a shipped model further, "
              + "e.g. `graphpaint train --dataset D --run R --base IMPORTED --label-dropout 0.8 --extend 2=2400`."})
  static final class Import implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (with model.json).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory to write (new or empty).")
    Path out;

    @Override
    public Integer call() {
      // both options are required by picocli, so the options cannot be refused here
      ImportModel.Result result = ImportModel.importModel(new ImportModel.Options(model, out)); // a failure: one line, exit 1
      System.out.println(model + " written as run " + result.run() + " (stages 0a, 0b and 1 finished, fusion mode "
          + result.fusionMode() + "); fine-tune it with: ./graphpaint train --dataset DIR --run NEW_RUN --base "
          + result.run());
      return 0;
    }
  }
}
