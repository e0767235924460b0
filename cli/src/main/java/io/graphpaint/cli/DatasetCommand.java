package io.graphpaint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.model.data.DirectoryBlobStore;
import io.graphpaint.model.data.ShapesDatasets;
import io.graphpaint.storage.DirectoryTransfer;
import io.graphpaint.storage.ObjectKeys;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import io.graphpaint.storage.PutResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code graphpaint dataset make|publish}: the synthetic shapes dataset, made locally or published for training. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
    description = "Make the synthetic shapes dataset, or publish a dataset directory for the training worker.",
    subcommands = {DatasetCommand.Make.class, DatasetCommand.Publish.class})
final class DatasetCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: make or publish");
  }

  @Command(name = "make", mixinStandardHelpOptions = true,
      description = "Render the synthetic shapes dataset (model.data.ShapesDatasets) into DIR: "
          + "images, manifest.jsonl, vocab.json, dataset.json; deterministic for a seed.")
  static final class Make implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "32", description = "Image size, 32 or 64 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--train", defaultValue = "20000", description = "Training samples (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--val", defaultValue = "1000", description = "Validation samples (default: ${DEFAULT-VALUE}).")
    int val;

    @Option(names = "--test", defaultValue = "2000", description = "Test samples (default: ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--test-unseen", defaultValue = "2000",
        description = "Test samples of held-out label combinations (default: ${DEFAULT-VALUE}).")
    int testUnseen;

    @Option(names = "--objects", paramLabel = "MIN-MAX", description = "Objects per scene, e.g. 2-6.")
    String objects;

    @Option(names = "--inside", paramLabel = "P", description = "Probability of an object inside another.")
    Double inside;

    @Option(names = "--threads", defaultValue = "1", description = "Rendering threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
      if (size != 32 && size != 64) {
        throw new CliException("--size must be 32 or 64, got " + size, 2, null);
      }
      if (objects != null && !objects.matches("\\d+-\\d+")) {
        throw new CliException("--objects takes MIN-MAX, e.g. 2-6, got '" + objects + "'", 2, null);
      }
      List<String> args = new ArrayList<>(List.of(out.toString(), "--seed", Long.toString(seed),
          "--size", Integer.toString(size), "--train", Integer.toString(train), "--val", Integer.toString(val),
          "--test", Integer.toString(test), "--test-unseen", Integer.toString(testUnseen),
          "--threads", Integer.toString(threads)));
      if (objects != null) {
        args.addAll(List.of("--objects", objects));
      }
      if (inside != null) {
        args.addAll(List.of("--inside", Double.toString(inside)));
      }
      ShapesDatasets.main(args.toArray(String[]::new));
      return 0;
    }
  }

  @Command(name = "publish", mixinStandardHelpOptions = true,
      description = {"Upload a dataset directory to object storage (datasets/<id>/<version>/) and publish a "
          + "DatasetUpdate through the orchestrator, so the training worker trains on it.",
          "Object storage from GRAPHPAINT_S3_* or the running `graphpaint up`."})
  static final class Publish implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Dataset directory (manifest.jsonl, vocab.json, images/).")
    Path dir;

    @Option(names = "--id", defaultValue = "shapes", description = "Dataset id (default: ${DEFAULT-VALUE}).")
    String datasetId;

    @Option(names = "--dataset-version", required = true, paramLabel = "VERSION",
        description = "Dataset version, e.g. 2026-01-15 or v2 ([A-Za-z0-9._-]{1,128}).")
    String version;

    @Option(names = "--format", defaultValue = "SYNTHETIC_SHAPES",
        description = "SYNTHETIC_SHAPES, SG2IM_JSON, VISUAL_GENOME or COCO_STUFF (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--model-name", description = "Model line to train (default: the orchestrator's, 'default').")
    String modelName;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
      Path manifest = dir.resolve("manifest.jsonl");
      if (!Files.isRegularFile(manifest)) {
        throw new CliException(dir + " is not a dataset directory: it has no manifest.jsonl (make one with "
            + "`graphpaint dataset make DIR`)", 2, null);
      }
      ObjectKeys.requireValidRequestId(datasetId);
      ObjectKeys.requireValidRequestId(version);
      long samples;
      try (var lines = Files.lines(manifest)) {
        samples = lines.filter(line -> !line.isBlank()).count();
      }
      if (format.equals(ShapesDatasets.FORMAT)) {
        ShapesDatasets.readInfo(new DirectoryBlobStore(dir)); // refuses a directory that is not a shapes dataset
      }
      ObjectStoreConfig config = objectStoreConfig();
      String prefix = ObjectKeys.datasetVersionPrefix(datasetId, version);
      List<PutResult> uploaded;
      try (ObjectStore store = ObjectStore.open(config)) {
        store.ensureBucket(config.buckets().datasets());
        uploaded = new DirectoryTransfer(store).upload(dir, config.buckets().datasets(), prefix);
      }
      String manifestUri = "s3://" + config.buckets().datasets() + "/" + prefix
          + (prefix.endsWith("/") ? "" : "/") + "manifest.jsonl";
      ObjectNode update = OrchestratorClient.JSON.createObjectNode();
      update.put("version", version);
      update.put("manifestUri", manifestUri);
      update.put("format", format);
      update.put("sampleCount", samples);
      if (modelName != null) {
        update.put("modelName", modelName);
      }
      JsonNode answer = api.client().publishDatasetUpdate(datasetId, OrchestratorClient.JSON.writeValueAsBytes(update));
      spec.commandLine().getOut().println("published " + datasetId + " " + answer.path("version").asText(version)
          + ": " + uploaded.size() + " files, " + samples + " samples, manifest " + manifestUri);
      return 0;
    }

    private ObjectStoreConfig objectStoreConfig() {
      Map<String, String> env = new TreeMap<>(environment);
      if (!env.containsKey(ObjectStoreConfig.ENV_ENDPOINT)) {
        Optional<UpState> up = UpState.read(UpState.DEFAULT_DATA_DIR);
        up.ifPresent(state -> env.putAll(state.s3Environment()));
      }
      try {
        return ObjectStoreConfig.fromEnvironment(env);
      } catch (IllegalArgumentException e) {
        throw new CliException("no object storage: set GRAPHPAINT_S3_* or run `graphpaint up` here ("
            + Failures.oneLine(e) + ")", 2, e);
      }
    }
  }
}
