package io.graphpaint.cli;

import io.graphpaint.model.train.ProgressListener;
import io.graphpaint.model.train.TrainRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graphpaint train}: the paper's training recipe (stages 0a, 0b, 1, 2) on a dataset directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a model with the recipe 0a (CLIP) -> 0b (text-to-image) -> 1 (graph alignment) -> "
        + "2 (fine-tuning) on a dataset directory; the model is written to RUN/model.",
        "Safe to stop at any time: the same command continues from the last checkpoint."})
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Dataset directory (`graphpaint dataset make`).")
  Path dataset;

  @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory: checkpoints and the final model.")
  Path run;

  @Option(names = "--steps-scale", defaultValue = "1.0",
      description = "Multiplies every stage's step count (default: ${DEFAULT-VALUE}).")
  double stepsScale;

  @Option(names = "--seed", defaultValue = "1", description = "Run seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--limit", defaultValue = "0", description = "Use at most N training samples, 0 = all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--checkpoint-every", defaultValue = "250", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--fusion", defaultValue = "APPEND",
      description = "Conditioning layout: APPEND, INTERLEAVE, APPEND_LOCAL or TEXT_ONLY (default: ${DEFAULT-VALUE}).")
  String fusion;

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
    if (!Files.isRegularFile(dataset.resolve("manifest.jsonl"))) {
      throw new CliException("--dataset " + dataset + " is not a dataset directory (no manifest.jsonl); make one with "
          + "`graphpaint dataset make DIR`", 2, null);
    }
    List<String> args = new ArrayList<>(List.of("--dataset", dataset.toString(), "--run", run.toString(),
        "--steps-scale", Double.toString(stepsScale), "--seed", Long.toString(seed), "--limit", Integer.toString(limit),
        "--checkpoint-every", Integer.toString(checkpointEvery), "--fusion", fusion.toUpperCase(java.util.Locale.ROOT),
        "--text-length", Integer.toString(textLength), "--log-every", Integer.toString(logEvery),
        "--threads", Integer.toString(threads), "--size", size));
    TrainRecipe.Options options;
    try {
      options = TrainRecipe.Options.parse(args.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      // the recipe's own message, without its usage block: picocli's --help is the usage here
      throw new CliException(e.getMessage().lines().findFirst().orElse(e.getMessage()), 2, e);
    }
    if (options.threads() > 0) {
      // read once when the engine starts, so it must be set before any array is made
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.threads()));
    }
    Path model = new TrainRecipe(options, List.of(ProgressListener.console(options.logEvery()))).run();
    System.out.println("serve it with: ./graphpaint up --model " + model);
    return 0;
  }
}
