package io.graphpaint.trainingworker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphpaint.storage.ObjectKeys;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectSummary;
import io.graphpaint.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A job's checkpoints in the object store, {@code checkpoints/{job}/{step:010d}/...}, where the
 * step counts across both stages (stage 2's step s is {@code alignmentSteps + s}). Each holds the
 * files of model.train's stage checkpoint and, written last, {@value #MARKER} (stage, step within
 * the stage, training time so far): a checkpoint without it is incomplete and ignored. Job-level
 * records ({@code job.json}, {@code baseline.json}) sit directly under {@code checkpoints/{job}/}.
 */
final class RemoteCheckpoints {

  static final String MARKER = "checkpoint.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a complete checkpoint is. */
  record Found(long globalStep, String stage, long stageStep, long trainingMillis) {}

  private final ObjectStore store;
  private final String bucket;
  private final String job;
  private final int keep;

  RemoteCheckpoints(ObjectStore store, String bucket, String job, int keep) {
    this.store = store;
    this.bucket = bucket;
    this.job = job;
    this.keep = keep;
  }

  String job() {
    return job;
  }

  /** Uploads a stage checkpoint directory as global step {@code globalStep}, then prunes old ones. */
  void upload(Path directory, long globalStep, String stage, long stageStep, long trainingMillis) {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        store.putFile(bucket, ObjectKeys.checkpointFile(job, globalStep, file.getFileName().toString()), file,
            "application/octet-stream", Map.of());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read checkpoint " + directory, e);
    }
    ObjectNode marker = JSON.createObjectNode();
    marker.put("stage", stage);
    marker.put("stageStep", stageStep);
    marker.put("trainingMillis", trainingMillis);
    store.put(bucket, ObjectKeys.checkpointFile(job, globalStep, MARKER), marker.toString().getBytes(),
        "application/json", Map.of());
    prune();
  }

  /** The newest complete checkpoint, if any. */
  Optional<Found> latest() {
    TreeSet<Long> complete = completeSteps();
    if (complete.isEmpty()) {
      return Optional.empty();
    }
    long step = complete.last();
    try {
      JsonNode marker = JSON.readTree(store.get(bucket, ObjectKeys.checkpointFile(job, step, MARKER)));
      return Optional.of(new Found(step, marker.path("stage").asText(), marker.path("stageStep").asLong(),
          marker.path("trainingMillis").asLong()));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable checkpoint marker of " + job + " step " + step, e);
    }
  }

  /** Downloads the checkpoint at {@code globalStep} into {@code directory} (without the marker). */
  void download(long globalStep, Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String prefix = ObjectKeys.checkpointPrefix(job, globalStep);
    for (ObjectSummary object : store.list(bucket, prefix)) {
      String name = object.key().substring(prefix.length());
      if (!name.equals(MARKER) && !name.contains("/")) {
        store.getToFile(bucket, object.key(), directory.resolve(name));
      }
    }
  }

  /** A job-level JSON record, e.g. {@code job.json}. */
  Optional<byte[]> readRecord(String name) {
    try {
      return Optional.of(store.get(bucket, ObjectKeys.checkpointJobPrefix(job) + name));
    } catch (StorageException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  void writeRecord(String name, byte[] json) {
    store.put(bucket, ObjectKeys.checkpointJobPrefix(job) + name, json, "application/json", Map.of());
  }

  /** Removes everything of the job (after its version is published). */
  void deleteAll() {
    for (ObjectSummary object : store.list(bucket, ObjectKeys.checkpointJobPrefix(job))) {
      store.delete(bucket, object.key());
    }
  }

  private TreeSet<Long> completeSteps() {
    TreeSet<Long> steps = new TreeSet<>();
    String jobPrefix = ObjectKeys.checkpointJobPrefix(job);
    for (ObjectSummary object : store.list(bucket, jobPrefix)) {
      String rest = object.key().substring(jobPrefix.length());
      if (rest.matches("[0-9]{10}/" + MARKER.replace(".", "\\."))) {
        steps.add(ObjectKeys.checkpointStep(job, object.key()));
      }
    }
    return steps;
  }

  private void prune() {
    TreeSet<Long> steps = completeSteps();
    while (steps.size() > keep) {
      long oldest = steps.pollFirst();
      String prefix = ObjectKeys.checkpointPrefix(job, oldest);
      // the marker first, so a half-deleted checkpoint is never taken for a complete one
      store.delete(bucket, prefix + MARKER);
      for (ObjectSummary object : store.list(bucket, prefix)) {
        store.delete(bucket, object.key());
      }
    }
    // incomplete checkpoints older than the newest complete one are debris of a killed run
    if (!steps.isEmpty()) {
      String jobPrefix = ObjectKeys.checkpointJobPrefix(job);
      for (ObjectSummary object : store.list(bucket, jobPrefix)) {
        String rest = object.key().substring(jobPrefix.length());
        if (rest.matches("[0-9]{10}/.*")) {
          long step = ObjectKeys.checkpointStep(job, object.key());
          if (step < steps.first() && !steps.contains(step)) {
            store.delete(bucket, object.key());
          }
        }
      }
    }
  }
}
