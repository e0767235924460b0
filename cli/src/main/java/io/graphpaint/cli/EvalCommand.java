package io.graphpaint.cli;

import io.graphpaint.model.eval.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graphpaint eval}: the shapes benchmark (model.eval.Evaluation) on a folder of generated images. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Score generated images against their scene graphs: object occurrence ratio (OOR), relation "
        + "accuracy (overall and per predicate), FID, diversity and IS; prints a table.")
final class EvalCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "IMAGES", description = "Directory of generated images named by manifest id.")
  Path images;

  @Parameters(index = "1", paramLabel = "MANIFEST", description = "manifest.jsonl of the dataset the graphs came from.")
  Path manifest;

  @Option(names = "--split", description = "Only this split (train, val, test, test_unseen).")
  String split;

  @Option(names = "--limit", defaultValue = "0", description = "At most N images, 0 = all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
  Path json;

  @Option(names = "--fid-pixels",
      description = "FID and diversity in an 8x8 pixel-grid feature space against the dataset's own images.")
  boolean fidPixels;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(images)) {
      throw new CliException("IMAGES " + images + " is not a directory", 2, null);
    }
    if (!Files.isRegularFile(manifest)) {
      throw new CliException("MANIFEST " + manifest + " is not a file", 2, null);
    }
    if (limit < 0) {
      throw new CliException("--limit must be >= 0, got " + limit, 2, null);
    }
    List<String> args = new ArrayList<>(List.of(images.toString(), manifest.toString()));
    if (split != null) {
      args.addAll(List.of("--split", split));
    }
    if (limit > 0) {
      args.addAll(List.of("--limit", Integer.toString(limit)));
    }
    if (json != null) {
      args.addAll(List.of("--json", json.toString()));
    }
    if (fidPixels) {
      args.add("--fid-pixels");
    }
    Evaluation.main(args.toArray(String[]::new));
    return 0;
  }
}
