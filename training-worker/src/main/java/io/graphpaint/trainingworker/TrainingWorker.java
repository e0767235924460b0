package io.graphpaint.trainingworker;

import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.TrainingState;
import io.graphpaint.events.TrainingStatus;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.serde.AvroSerdes;
import io.graphpaint.storage.Ids;
import io.graphpaint.storage.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training worker's poll loop. It consumes graphpaint.dataset-updates in a consumer group
 * (key = datasetId, cooperative-sticky assignment, so a second worker takes other datasets),
 * collects a burst of updates for a short window and trains each dataset once, on its newest
 * update (the older ones are SUPERSEDED). One job trains at a time, on its own thread; meanwhile
 * the loop pauses its partitions and keeps polling, so the group membership stays alive.
 *
 * <p>Outcomes are written in a Kafka transaction with the consumed offsets: the ModelPublished
 * record and the PUBLISHED status, or the FAILED status, together with the offset past the
 * update. An offset is never committed past an update whose job has not ended. A restarted worker
 * (or the worker a partition moves to) finds the job's checkpoint in the object store and
 * continues it; before training it checks graphpaint.models and does not publish a version twice.
 */
public final class TrainingWorker {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingWorker.class);
  private static final Duration CATALOG_TIMEOUT = Duration.ofSeconds(30);

  private final TrainingWorkerConfig config;
  private final ObjectStore store;
  private final TrainingMetrics metrics;
  private final String workerId;
  private final JobSettings settings;
  private final TrainingJob trainer;
  private final Deserializer<DatasetUpdate> updates;
  private final Serializer<TrainingStatus> statuses;
  private final Serializer<ModelPublished> models;
  private final Deserializer<ModelPublished> modelReader;
  private final Map<String, Object> kafkaSettings;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean cancelJob = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ExecutorService jobThread = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "graphpaint-training-job");
    thread.setDaemon(true);
    return thread;
  });
  private volatile boolean ready;
  private volatile String state = "starting";
  private Thread loopThread;

  // loop-thread state
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> progressProducer;
  private KafkaProducer<String, byte[]> outcomeProducer;
  private ModelCatalog catalog;
  private final List<ConsumerRecord<String, byte[]>> incoming = new ArrayList<>();
  private long firstIncomingNanos;
  private final Deque<Work> queue = new ArrayDeque<>();
  private final Map<TopicPartition, TreeSet<Long>> outstanding = new HashMap<>();
  private final Map<TopicPartition, Long> nextToCommit = new HashMap<>();
  private Running current;

  /** The newest update of a dataset and the older ones it supersedes (all from one partition). */
  private record Work(ConsumerRecord<String, byte[]> newest, DatasetUpdate update, List<ConsumerRecord<String, byte[]>> superseded) {
    TopicPartition partition() {
      return new TopicPartition(newest.topic(), newest.partition());
    }
  }

  private record Running(Work work, Future<TrainingJob.Outcome> future, long startedNanos) {}

  public TrainingWorker(TrainingWorkerConfig config, ObjectStore store, SchemaRegistryClient registry,
      TrainingMetrics metrics) {
    this.config = config;
    this.store = store;
    this.metrics = metrics;
    this.workerId = Ids.requireValid("worker id", config.workerId());
    this.settings = config.jobSettings();
    Path workDir;
    try {
      workDir = config.workDir().isBlank() ? Files.createTempDirectory("graphpaint-training") : Path.of(config.workDir());
      Files.createDirectories(workDir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create the work directory", e);
    }
    this.trainer = new TrainingJob(store, settings, workDir);
    this.updates = AvroSerdes.forTopic(Topic.DATASET_UPDATES, DatasetUpdate.class, registry, Map.of()).deserializer();
    this.statuses = AvroSerdes.forTopic(Topic.TRAINING, TrainingStatus.class, registry, Map.of()).serializer();
    this.models = AvroSerdes.forTopic(Topic.MODELS, ModelPublished.class, registry, Map.of()).serializer();
    this.modelReader = AvroSerdes.forTopic(Topic.MODELS, ModelPublished.class, registry, Map.of()).deserializer();
    this.kafkaSettings = config.kafkaClientSettings();
  }

  public String workerId() {
    return workerId;
  }

  /** Starts the poll loop on its own thread. */
  public synchronized void start() {
    if (loopThread != null) {
      throw new IllegalStateException("already started");
    }
    running.set(true);
    loopThread = new Thread(this::runLoop, "graphpaint-training-loop-" + workerId);
    loopThread.start();
  }

  public boolean isRunning() {
    return loopThread != null && stopped.getCount() > 0;
  }

  /** True once the loop polls (and until it stops). */
  public boolean isReady() {
    return ready && running.get();
  }

  /** One line on what the worker does, for /ready. */
  public String describe() {
    return state;
  }

  /**
   * Stops gracefully: a running job stops at its next step and leaves a checkpoint, its update is
   * handed back uncommitted, clients close. Safe to call more than once and from any thread.
   */
  public void shutdown() {
    running.set(false);
    cancelJob.set(true);
    if (consumer != null) {
      consumer.wakeup();
    }
    try {
      if (!stopped.await(config.shutdownTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("Worker {} did not stop within the shutdown timeout", workerId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    jobThread.shutdownNow();
  }

  private void runLoop() {
    try {
      openClients();
      consumer.subscribe(List.of(Topic.DATASET_UPDATES.topicName()), new Rebalance());
      while (running.get()) {
        List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>();
        try {
          consumer.poll(config.pollTimeout()).forEach(polled::add);
        } catch (org.apache.kafka.common.errors.WakeupException e) {
          continue;
        }
        ready = true;
        take(polled);
        step();
      }
    } catch (RuntimeException e) {
      LOG.error("Training worker {} stopped on an error", workerId, e);
    } finally {
      running.set(false);
      ready = false;
      stopCurrentJob();
      closeClients();
      stopped.countDown();
      state = "stopped";
    }
  }

  private void openClients() {
    Map<String, Object> consumerProps = new HashMap<>(kafkaSettings);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    if (config.groupInstanceId() != null) {
      consumerProps.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupInstanceId());
    }
    consumerProps.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.sessionTimeoutMs());
    consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "graphpaint-training-" + workerId);
    consumer = new KafkaConsumer<>(consumerProps, new org.apache.kafka.common.serialization.StringDeserializer(),
        new ByteArrayDeserializer());

    Map<String, Object> progressProps = new HashMap<>(kafkaSettings);
    progressProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    progressProps.put(ProducerConfig.ACKS_CONFIG, "all");
    progressProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    progressProps.put(ProducerConfig.CLIENT_ID_CONFIG, "graphpaint-training-progress-" + workerId);
    progressProducer = new KafkaProducer<>(progressProps, new StringSerializer(), new ByteArraySerializer());

    Map<String, Object> outcomeProps = new HashMap<>(kafkaSettings);
    outcomeProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "graphpaint-training-" + workerId);
    outcomeProps.put(ProducerConfig.ACKS_CONFIG, "all");
    outcomeProps.put(ProducerConfig.CLIENT_ID_CONFIG, "graphpaint-training-outcome-" + workerId);
    outcomeProducer = new KafkaProducer<>(outcomeProps, new StringSerializer(), new ByteArraySerializer());
    outcomeProducer.initTransactions();

    catalog = new ModelCatalog(kafkaSettings, modelReader);
    catalog.refresh(CATALOG_TIMEOUT);
    state = "idle";
  }

  private void closeClients() {
    for (AutoCloseable client : new AutoCloseable[] {consumer, progressProducer, outcomeProducer, catalog}) {
      if (client != null) {
        try {
          if (client instanceof KafkaProducer<?, ?> producer) {
            producer.close(Duration.ofSeconds(5));
          } else if (client instanceof KafkaConsumer<?, ?> c) {
            c.close(Duration.ofSeconds(5));
          } else {
            client.close();
          }
        } catch (Exception e) {
          LOG.warn("Closing {} failed: {}", client.getClass().getSimpleName(), e.toString());
        }
      }
    }
  }

  // ---- taking records, coalescing ----

  private void take(List<ConsumerRecord<String, byte[]>> polled) {
    if (polled.isEmpty()) {
      return;
    }
    if (incoming.isEmpty()) {
      firstIncomingNanos = System.nanoTime();
    }
    for (ConsumerRecord<String, byte[]> record : polled) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      outstanding.computeIfAbsent(partition, p -> new TreeSet<>()).add(record.offset());
      nextToCommit.merge(partition, record.offset() + 1, Math::max);
      incoming.add(record);
    }
  }

  /** Turns the collected burst into work: undecodable records fail at once, each dataset trains once. */
  private void coalesce() {
    Map<String, List<ConsumerRecord<String, byte[]>>> byDataset = new LinkedHashMap<>();
    Map<ConsumerRecord<String, byte[]>, DatasetUpdate> decoded = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : incoming) {
      DatasetUpdate update;
      try {
        update = updates.deserialize(record.topic(), record.value());
        if (update == null) {
          throw new IllegalArgumentException("the record has no value");
        }
      } catch (RuntimeException e) {
        String datasetId = record.key() == null ? "unknown" : record.key();
        fail(record, List.of(), datasetId, "unknown", "the record at " + record.topic() + "-" + record.partition() + "@"
            + record.offset() + " is not a DatasetUpdate in the registry's wire format: " + e.getMessage(), "bad_update");
        continue;
      }
      decoded.put(record, update);
      byDataset.computeIfAbsent(update.getDatasetId() + "\u0000" + update.getModelName(), k -> new ArrayList<>()).add(record);
    }
    incoming.clear();
    for (List<ConsumerRecord<String, byte[]>> records : byDataset.values()) {
      // newest = last in offset order: a dataset's updates share a partition (key = datasetId)
      records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
          : Long.compare(a.offset(), b.offset()));
      ConsumerRecord<String, byte[]> newest = records.get(records.size() - 1);
      List<ConsumerRecord<String, byte[]>> older = new ArrayList<>(records.subList(0, records.size() - 1));
      DatasetUpdate update = decoded.get(newest);
      for (ConsumerRecord<String, byte[]> record : older) {
        DatasetUpdate old = decoded.get(record);
        sendProgress(status(old, TrainingState.SUPERSEDED)
            .setMessage("superseded by version " + update.getVersion() + " of dataset " + update.getDatasetId()
                + ", which was waiting too; only the newest update of a dataset is trained").build());
      }
      if (!older.isEmpty()) {
        metrics.superseded(older.size());
      }
      sendProgress(status(update, TrainingState.QUEUED).build());
      queue.add(new Work(newest, update, older));
    }
  }

  // ---- running jobs ----

  private void step() {
    if (current != null) {
      if (current.future.isDone()) {
        finish(current);
        current = null;
      } else {
        return;
      }
    }
    boolean windowClosed = !incoming.isEmpty()
        && System.nanoTime() - firstIncomingNanos >= config.coalesceWindow().toNanos();
    if (windowClosed) {
      coalesce();
    }
    while (current == null && !queue.isEmpty() && running.get()) {
      startNext(queue.poll());
    }
    if (current != null) {
      consumer.pause(consumer.assignment());
    } else if (queue.isEmpty()) {
      consumer.resume(consumer.paused());
      state = "idle";
    }
  }

  private void startNext(Work work) {
    DatasetUpdate update = work.update;
    String problem = invalidIds(update);
    if (problem != null) {
      fail(work.newest, work.superseded, update.getDatasetId(), update.getVersion(), problem, "bad_update");
      return;
    }
    String version = VersionNames.modelVersion(update.getDatasetId(), update.getVersion());
    catalog.refresh(CATALOG_TIMEOUT);
    Optional<ModelPublished> already = catalog.published(update.getModelName(), version);
    if (already.isPresent()) {
      LOG.info("Version {}/{} of dataset {} {} is already published; not training again", update.getModelName(),
          version, update.getDatasetId(), update.getVersion());
      commitOutcome(work, List.of(), status(update, TrainingState.PUBLISHED).setModelVersion(version)
          .setMessage("version " + version + " was already published for this update").build());
      trainer.cleanUp(update);
      return;
    }
    TrainingJob.BaseModel base = catalog.promoted(update.getModelName())
        .map(p -> new TrainingJob.BaseModel(p.getVersion(), p.getArtifactUri()))
        .orElseGet(() -> config.modelDefaultDir().isBlank() ? null
            : new TrainingJob.BaseModel(config.modelDefaultVersion(), config.modelDefaultDir()));
    if (base == null) {
      fail(work.newest, work.superseded, update.getDatasetId(), update.getVersion(), "model " + update.getModelName()
          + " has no promoted version on " + Topic.MODELS.topicName() + " and no default model directory is configured ("
          + TrainingWorkerConfig.MODEL_DEFAULT_DIR + "); publish a version of it or name an existing model", "bad_update");
      return;
    }
    cancelJob.set(false);
    metrics.jobStarted();
    state = "training " + update.getDatasetId() + "/" + update.getVersion() + " into " + update.getModelName() + "/" + version;
    sendProgress(status(update, TrainingState.RUNNING).setTotalSteps(settings.maxSteps()).build());
    TrainingJob.Listener listener = (stage, step, total, losses, remaining, millisPerStep) -> {
      Map<String, Double> values = new LinkedHashMap<>();
      losses.forEach((name, value) -> values.put(name, (double) value));
      metrics.progress(step, millisPerStep, remaining, losses);
      sendProgress(status(update, TrainingState.RUNNING).setStage(stage).setStep((int) step)
          .setTotalSteps((int) total).setLosses(values).setEtaMs(remaining.toMillis()).build());
    };
    Future<TrainingJob.Outcome> future = jobThread.submit(() -> trainer.run(update, base, listener, cancelJob::get));
    current = new Running(work, future, System.nanoTime());
    consumer.pause(consumer.assignment());
  }

  private static String invalidIds(DatasetUpdate update) {
    for (String[] id : new String[][] {{"datasetId", update.getDatasetId()}, {"version", update.getVersion()},
        {"modelName", update.getModelName()}}) {
      if (!Ids.isValid(id[1])) {
        try {
          Ids.requireValid(id[0], id[1]);
        } catch (IllegalArgumentException e) {
          return "the update's " + e.getMessage();
        }
      }
    }
    return null;
  }

  private void finish(Running job) {
    metrics.jobEnded();
    DatasetUpdate update = job.work.update;
    try {
      TrainingJob.Outcome outcome = job.future.get();
      if (outcome.resumedFromStep() > 0) {
        metrics.resumed();
      }
      ModelPublished published = ModelPublished.newBuilder()
          .setModelName(outcome.modelName())
          .setVersion(outcome.version())
          .setArtifactUri(outcome.artifactUri())
          .setBaseVersion(outcome.baseVersion())
          .setDatasetVersion(update.getDatasetId() + "/" + update.getVersion())
          .setMetrics(outcome.metrics())
          .setPromoted(outcome.promoted())
          .setCreatedAt(Instant.now())
          .build();
      String message = outcome.promoted() ? "promoted" : "published, not promoted: " + String.join("; ", outcome.gateReasons());
      boolean committed = commitOutcome(job.work, List.of(published), status(update, TrainingState.PUBLISHED)
          .setModelVersion(outcome.version()).setStep((int) outcome.stepsDone()).setTotalSteps(settings.maxSteps())
          .setMessage(message).build());
      if (committed) {
        metrics.published(Duration.ofNanos(System.nanoTime() - job.startedNanos), outcome.promoted());
        trainer.cleanUp(update);
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TrainingJob.Cancelled) {
        LOG.info("Job for {}/{} stopped ({}); its update is handed back", update.getDatasetId(), update.getVersion(),
            cause.getMessage());
        return;
      }
      if (cause instanceof BadUpdateException) {
        fail(job.work.newest, job.work.superseded, update.getDatasetId(), update.getVersion(), cause.getMessage(), "bad_update");
      } else {
        LOG.error("Training {}/{} failed", update.getDatasetId(), update.getVersion(), cause);
        fail(job.work.newest, job.work.superseded, update.getDatasetId(), update.getVersion(),
            "training failed: " + cause, "internal");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void fail(ConsumerRecord<String, byte[]> record, List<ConsumerRecord<String, byte[]>> superseded,
      String datasetId, String datasetVersion, String message, String reason) {
    LOG.warn("Dataset update {}/{} FAILED: {}", datasetId, datasetVersion, message);
    metrics.failed(reason);
    TrainingStatus failed = TrainingStatus.newBuilder()
        .setDatasetId(datasetId).setDatasetVersion(datasetVersion).setState(TrainingState.FAILED)
        .setMessage(message).setWorkerId(workerId).setAt(Instant.now()).build();
    commitOutcome(new Work(record, null, superseded), List.of(), failed);
  }

  /**
   * Writes the outcome and the offsets past the work's records in one transaction.
   *
   * @return whether the transaction committed (else the records are redelivered)
   */
  private boolean commitOutcome(Work work, List<ModelPublished> published, TrainingStatus status) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(work.superseded);
    records.add(work.newest);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      TreeSet<Long> open = outstanding.get(partition);
      if (open != null) {
        open.remove(record.offset());
      }
      offsets.put(partition, new OffsetAndMetadata(committable(partition)));
    }
    try {
      outcomeProducer.beginTransaction();
      for (ModelPublished model : published) {
        String key = model.getModelName() + "/" + model.getVersion();
        outcomeProducer.send(new ProducerRecord<>(Topic.MODELS.topicName(), key,
            models.serialize(Topic.MODELS.topicName(), model)));
      }
      outcomeProducer.send(new ProducerRecord<>(Topic.TRAINING.topicName(), status.getDatasetId(),
          statuses.serialize(Topic.TRAINING.topicName(), status)));
      outcomeProducer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      outcomeProducer.commitTransaction();
      return true;
    } catch (ProducerFencedException e) {
      throw new IllegalStateException("another worker with transactional id graphpaint-training-" + workerId
          + " fenced this one", e);
    } catch (KafkaException e) {
      LOG.warn("Outcome transaction for {} aborted ({}); the update will be redelivered", status.getDatasetId(), e.toString());
      try {
        outcomeProducer.abortTransaction();
      } catch (KafkaException abortFailure) {
        LOG.warn("Abort failed: {}", abortFailure.toString());
      }
      return false;
    }
  }

  /** The offset up to which every taken record of {@code partition} has ended. */
  private long committable(TopicPartition partition) {
    TreeSet<Long> open = outstanding.get(partition);
    return open == null || open.isEmpty() ? nextToCommit.get(partition) : open.first();
  }

  private TrainingStatus.Builder status(DatasetUpdate update, TrainingState state) {
    return TrainingStatus.newBuilder()
        .setDatasetId(update.getDatasetId())
        .setDatasetVersion(update.getVersion())
        .setState(state)
        .setWorkerId(workerId)
        .setAt(Instant.now());
  }

  private void sendProgress(TrainingStatus status) {
    progressProducer.send(new ProducerRecord<>(Topic.TRAINING.topicName(), status.getDatasetId(),
        statuses.serialize(Topic.TRAINING.topicName(), status)), (metadata, error) -> {
          if (error != null) {
            LOG.warn("Could not send a training status: {}", error.toString());
          }
        });
  }

  /** Cancels the running job and waits until it has stopped (its checkpoint written). */
  private void stopCurrentJob() {
    if (current == null) {
      return;
    }
    cancelJob.set(true);
    try {
      current.future.get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // Cancelled, or failed while stopping: either way the update goes back uncommitted
    } catch (TimeoutException e) {
      LOG.warn("Job {} did not stop within {}", current.work.update.getDatasetId(), config.shutdownTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    metrics.jobEnded();
    current = null;
  }

  /** Revoked partitions: their records go back to the group; a job training one of them stops. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      if (current != null && partitions.contains(current.work.partition())) {
        LOG.info("Partition {} revoked while training {}; stopping at the next step", current.work.partition(),
            current.work.update.getDatasetId());
        stopCurrentJob();
      }
      incoming.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
      queue.removeIf(w -> partitions.contains(w.partition()));
      partitions.forEach(p -> {
        outstanding.remove(p);
        nextToCommit.remove(p);
      });
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (current != null) {
        consumer.pause(partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }
  }
}
