package io.graphpaint.model.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.model.checkpoint.NamedParameters;
import io.graphpaint.model.checkpoint.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Resumable checkpoints of one training stage in a run directory:
 *
 * <pre>
 *   stageDir/step-00000400/weights.safetensors      every parameter handed to the loop
 *   stageDir/step-00000400/optimizer-NAME.safetensors  AdamW moments and counters
 *   stageDir/step-00000400/ema.safetensors           when the stage keeps an EMA
 *   stageDir/step-00000400/state.json                step, stage, skipped steps
 *   stageDir/latest                                   the step of the last complete checkpoint
 * </pre>
 *
 * {@code latest} is replaced atomically after a checkpoint is fully written, so a run killed while
 * writing resumes from the previous one. Older checkpoints beyond {@code keep} are deleted.
 */
public final class StageCheckpoints {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Told of every checkpoint once it is complete on disk, e.g. to copy it to remote storage. */
  @FunctionalInterface
  public interface SaveListener {
    /**
     * @param stage the stage name
     * @param step the checkpoint's step
     * @param directory the complete checkpoint directory (weights, optimizers, EMA, state.json)
     */
    void saved(String stage, long step, Path directory);
  }

  private final Path stageDirectory;
  private final int keep;
  private final SaveListener listener;

  public StageCheckpoints(Path stageDirectory, int keep) {
    this(stageDirectory, keep, null);
  }

  /** @param listener called after each complete save (on the training thread), may be null */
  public StageCheckpoints(Path stageDirectory, int keep, SaveListener listener) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1 checkpoints, got " + keep);
    }
    this.stageDirectory = stageDirectory;
    this.keep = keep;
    this.listener = listener;
  }

  public Path directory() {
    return stageDirectory;
  }

  /** The step of the last complete checkpoint, if any. */
  public Optional<Long> latestStep() {
    Path latest = stageDirectory.resolve("latest");
    if (!Files.isRegularFile(latest)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(Files.readString(latest).trim()));
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("unreadable checkpoint marker " + latest + ": " + e.getMessage(), e);
    }
  }

  /** Writes a checkpoint at {@code step} and points {@code latest} at it. */
  public void save(
      String stage,
      long step,
      NamedParameters parameters,
      Map<String, AdamW> optimizers,
      ExponentialMovingAverage ema,
      NDManager manager) {
    Path directory = stepDirectory(step);
    try (NDManager scratch = manager.newSubManager()) {
      Files.createDirectories(directory);
      SafetensorsFile.write(directory.resolve("weights.safetensors"), parameters.arrays());
      long skipped = 0;
      for (Map.Entry<String, AdamW> optimizer : optimizers.entrySet()) {
        SafetensorsFile.write(
            directory.resolve("optimizer-" + optimizer.getKey() + ".safetensors"),
            optimizer.getValue().state(scratch));
        skipped += optimizer.getValue().skipped();
      }
      if (ema != null) {
        SafetensorsFile.write(directory.resolve("ema.safetensors"), ema.state(scratch));
      }
      ObjectNode state = JSON.createObjectNode();
      state.put("stage", stage);
      state.put("step", step);
      state.put("skippedSteps", skipped);
      Files.writeString(directory.resolve("state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
      Path marker = stageDirectory.resolve("latest.tmp");
      Files.writeString(marker, Long.toString(step));
      Files.move(marker, stageDirectory.resolve("latest"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      pruneOlderThan(step);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write checkpoint " + directory, e);
    }
    if (listener != null) {
      listener.saved(stage, step, directory);
    }
  }

  /** Loads the checkpoint at {@code step} into the given parameters, optimizers and EMA. */
  public void restore(
      long step,
      NamedParameters parameters,
      Map<String, AdamW> optimizers,
      ExponentialMovingAverage ema,
      NDManager manager) {
    Path directory = stepDirectory(step);
    try (NDManager scratch = manager.newSubManager()) {
      Path weights = directory.resolve("weights.safetensors");
      parameters.load(SafetensorsFile.read(weights, scratch), List.of(), weights.toString());
      for (Map.Entry<String, AdamW> optimizer : optimizers.entrySet()) {
        Path file = directory.resolve("optimizer-" + optimizer.getKey() + ".safetensors");
        optimizer.getValue().load(SafetensorsFile.read(file, scratch));
      }
      if (ema != null) {
        ema.load(SafetensorsFile.read(directory.resolve("ema.safetensors"), scratch));
      }
    }
  }

  /** The directory of the checkpoint at {@code step} (whether or not it exists). */
  public Path stepDirectory(long step) {
    return stageDirectory.resolve(String.format("step-%08d", step));
  }

  private void pruneOlderThan(long newest) throws IOException {
    List<Path> steps = new ArrayList<>();
    try (Stream<Path> children = Files.list(stageDirectory)) {
      children.filter(p -> p.getFileName().toString().matches("step-\\d{8}")).forEach(steps::add);
    }
    steps.sort(Comparator.comparing(p -> p.getFileName().toString()));
    int excess = steps.size() - keep;
    for (Path path : steps) {
      if (excess <= 0) {
        break;
      }
      if (!path.equals(stepDirectory(newest))) {
        deleteRecursively(path);
        excess--;
      }
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
