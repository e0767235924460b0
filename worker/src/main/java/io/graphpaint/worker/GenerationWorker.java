package io.graphpaint.worker;

import io.graphpaint.events.CancelRequest;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationCompleted;
import io.graphpaint.events.GenerationFailed;
import io.graphpaint.events.GenerationProgress;
import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.events.ImageRef;
import io.graphpaint.events.ModelPublished;
import io.graphpaint.events.Timings;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.registry.SchemaRegistryClient;
import io.graphpaint.schemas.serde.AvroDeserializer;
import io.graphpaint.schemas.serde.AvroSerializer;
import io.graphpaint.schemas.serde.SerdeException;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.worker.generation.BatchSettings;
import io.graphpaint.worker.generation.GeneratedBatch;
import io.graphpaint.worker.generation.GenerationJob;
import io.graphpaint.worker.models.LoadedModel;
import io.graphpaint.worker.models.ModelManager;
import io.graphpaint.worker.models.ModelUnavailableException;
import io.graphpaint.worker.ops.WorkerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generation worker: consumes graphpaint.requests in group {@code graphpaint-workers},
 * generates, stores the images and announces each request's one outcome exactly once.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>The <b>poll thread</b> owns the consumer and the transactional producer. It decodes each
 *       polled record (bytes that do not decode become a DLQ record), pauses the partitions whose
 *       records are in flight and keeps polling, so the group never sees a slow member however long
 *       a batch takes. Once every record polled from a partition has an outcome, it writes the
 *       outcomes (results and DLQ records) and the partition's next offset in one transaction,
 *       fenced by the consumer's group metadata, then resumes the partition.</li>
 *   <li>The <b>generation thread</b> takes decoded requests, resolves their model version,
 *       validates them, skips cancelled ones, groups compatible ones into a batch (up to
 *       {@code batch.max.size} images, waiting up to {@code batch.max.wait.ms}), samples, writes the
 *       PNGs and hands the outcomes back.</li>
 *   <li>Two followers read graphpaint.models and graphpaint.cancellations from the beginning.</li>
 * </ul>
 *
 * <h2>Failures</h2>
 * A revoked partition's uncommitted work is dropped, not committed: the new owner regenerates it
 * (generation is deterministic and image keys idempotent). A failed commit aborts the transaction
 * and rewinds its partitions. A crash commits nothing, so every request is redelivered.
 */
public final class GenerationWorker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationWorker.class);

  public static final String HEADER_TOPIC = "graphpaint.dlq.topic";
  public static final String HEADER_PARTITION = "graphpaint.dlq.partition";
  public static final String HEADER_OFFSET = "graphpaint.dlq.offset";
  public static final String HEADER_ERROR_CLASS = "graphpaint.dlq.error.class";
  public static final String HEADER_ERROR_MESSAGE = "graphpaint.dlq.error.message";

  private final WorkerConfig config;
  private final String workerId;
  private final ObjectStore store;
  private final SchemaRegistryClient registry;
  private final ModelManager models;
  private final WorkerMetrics metrics;
  private final RequestValidator validator;
  private final ImageWriter imageWriter;
  private final AvroDeserializer<GenerationRequest> requestDeserializer;
  private final AvroSerializer<GenerationResult> resultSerializer;

  private final LinkedBlockingDeque<WorkItem> queue = new LinkedBlockingDeque<>();
  private final ConcurrentLinkedQueue<WorkItem> finished = new ConcurrentLinkedQueue<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  /** Poll-thread state: the polled-but-uncommitted records per partition. */
  private final Map<TopicPartition, PartitionUnit> units = new HashMap<>();

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean shutdownRequested = new AtomicBoolean();
  private volatile boolean stopping;
  private volatile boolean halted;
  private volatile boolean polling;
  private volatile boolean assigned;
  private volatile long generationDeadlineNanos = Long.MAX_VALUE;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private KafkaProducer<String, GenerationProgress> progressProducer;
  private TopicFollower<ModelPublished> modelFollower;
  private TopicFollower<CancelRequest> cancellationFollower;
  private Thread pollThread;
  private Thread generationThread;

  /**
   * @param store object store of the images (its images bucket); the caller keeps ownership
   * @param registry schema registry client; the caller keeps ownership
   * @param models model versions, not started yet; the worker starts and closes it
   */
  public GenerationWorker(WorkerConfig config, ObjectStore store, SchemaRegistryClient registry, ModelManager models,
      WorkerMetrics metrics) {
    this.config = Objects.requireNonNull(config, "config");
    this.workerId = config.workerId();
    this.store = Objects.requireNonNull(store, "store");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.models = Objects.requireNonNull(models, "models");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.validator = new RequestValidator(config.limits());
    this.imageWriter = new ImageWriter(store, store.buckets().images(), config.storeRetryInitial(),
        config.storeRetryMax(), config.storeRefusedAttempts(), metrics);
    this.requestDeserializer = new AvroDeserializer<>(registry, GenerationRequest.class);
    this.resultSerializer = new AvroSerializer<>(registry, Map.of(), false);
  }

  public String workerId() {
    return workerId;
  }

  /**
   * Loads the model (the promoted version from graphpaint.models, else the default directory),
   * starts following models and cancellations, then starts consuming requests.
   */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("worker " + workerId + " was already started");
    }
    Map<String, Object> kafka = config.kafkaClientSettings();
    modelFollower = new TopicFollower<>(Topic.MODELS.topicName(), kafka,
        new AvroDeserializer<>(registry, ModelPublished.class), (key, published) -> {
          if (published != null && models.isLoaded()) {
            models.onPublished(published);
          }
        });
    try {
      List<ModelPublished> history = modelFollower.catchUp(Duration.ofSeconds(30));
      models.start(history, config.modelDefaultDir(), config.modelDefaultVersion());
    } catch (RuntimeException e) {
      closeFollowersAndModels();
      throw e;
    }
    if (config.modelFollow()) {
      modelFollower.start("graphpaint-models-" + workerId);
    }
    cancellationFollower = new TopicFollower<>(Topic.CANCELLATIONS.topicName(), kafka,
        new AvroDeserializer<>(registry, CancelRequest.class), (key, cancel) -> {
          if (cancel == null) {
            cancelled.remove(key); // a tombstone withdraws the cancellation
          } else {
            cancelled.add(cancel.getRequestId());
          }
        });
    cancellationFollower.catchUp(Duration.ofSeconds(30));
    cancellationFollower.start("graphpaint-cancellations-" + workerId);

    consumer = new KafkaConsumer<>(consumerProps(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    producer = newTransactionalProducer(kafka);
    Map<String, Object> progressProps = new HashMap<>(kafka);
    progressProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    progressProps.put(ProducerConfig.ACKS_CONFIG, "all");
    progressProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    progressProps.put(ProducerConfig.CLIENT_ID_CONFIG, "graphpaint-progress-" + workerId);
    progressProducer = new KafkaProducer<>(progressProps, new StringSerializer(), new AvroSerializer<>(registry, Map.of(), false));

    generationThread = new Thread(this::generationLoop, "graphpaint-generation-" + workerId);
    pollThread = new Thread(this::pollLoop, "graphpaint-poll-" + workerId);
    generationThread.start();
    pollThread.start();
    LOG.info("Worker {} started: model {}, group {}{}", workerId, models.current(), config.groupId(),
        config.groupInstanceId() == null ? "" : ", static member " + config.groupInstanceId());
  }

  private Map<String, Object> consumerProps(Map<String, Object> kafka) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "graphpaint-requests-" + workerId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.sessionTimeoutMs());
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, config.sessionTimeoutMs() / 10));
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    if (config.groupInstanceId() != null) {
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupInstanceId());
    }
    return props;
  }

  private KafkaProducer<byte[], byte[]> newTransactionalProducer(Map<String, Object> kafka) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "graphpaint-worker-" + workerId);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "graphpaint-results-" + workerId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, config.transactionTimeoutMs());
    KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    created.initTransactions();
    return created;
  }

  // ---------------------------------------------------------------- poll thread

  private void pollLoop() {
    try {
      consumer.subscribe(List.of(Topic.REQUESTS.topicName()), new Rebalance());
      while (!halted) {
        if (stopping && !generationThread.isAlive()) {
          // nothing more will finish: commit the last outcomes, hand the rest back on close
          collectFinished();
          commitCompleteUnits();
          break;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
        polling = true;
        assigned = !consumer.assignment().isEmpty();
        if (!records.isEmpty()) {
          accept(records);
        }
        collectFinished();
        commitCompleteUnits();
      }
    } catch (WakeupException e) {
      // halt() or shutdown() woke us
    } catch (RuntimeException e) {
      LOG.error("Poll loop of worker {} failed; stopping", workerId, e);
      stopping = true;
    } finally {
      polling = false;
      closeClients();
      stopped.countDown();
    }
  }

  private void accept(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> polled = records.records(partition);
      if (stopping) {
        // not ours to start any more: rewind so the next owner (or our restart) reads them
        consumer.seek(partition, polled.get(0).offset());
        continue;
      }
      PartitionUnit unit = new PartitionUnit(partition, polled.get(0).offset(), polled.get(polled.size() - 1).offset() + 1);
      List<WorkItem> decoded = new ArrayList<>();
      boolean registryDown = false;
      for (ConsumerRecord<byte[], byte[]> record : polled) {
        WorkItem item = new WorkItem(unit, record);
        unit.items.add(item);
        try {
          GenerationRequest request = requestDeserializer.deserialize(record.topic(), record.value());
          if (request == null) {
            throw new SerdeException(record.topic(), null, SerdeException.Reason.MALFORMED_BODY,
                "null value: a request record must carry a GenerationRequest", null);
          }
          item.request = request;
          decoded.add(item);
        } catch (SerdeException e) {
          if (e.reason() == SerdeException.Reason.REGISTRY_UNAVAILABLE) {
            registryDown = true; // not the record's fault: read it again later
            break;
          }
          item.outcome = deadLetter(record, e);
        } catch (RuntimeException e) {
          item.outcome = deadLetter(record, e);
        }
      }
      if (registryDown) {
        LOG.warn("Schema registry unavailable; re-reading {} from offset {}", partition, unit.firstOffset);
        consumer.seek(partition, unit.firstOffset);
        continue;
      }
      units.put(partition, unit);
      consumer.pause(List.of(partition));
      metrics.inFlight(unit.items.size());
      queue.addAll(decoded);
    }
  }

  private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, Exception error) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(HEADER_TOPIC, utf8(record.topic()));
    headers.add(HEADER_PARTITION, utf8(Integer.toString(record.partition())));
    headers.add(HEADER_OFFSET, utf8(Long.toString(record.offset())));
    headers.add(HEADER_ERROR_CLASS, utf8(error.getClass().getName()));
    headers.add(HEADER_ERROR_MESSAGE, utf8(String.valueOf(error.getMessage())));
    LOG.warn("Record {}-{}@{} does not decode; to the DLQ: {}", record.topic(), record.partition(), record.offset(),
        error.getMessage());
    return new ProducerRecord<>(Topic.REQUESTS_DLQ.topicName(), null, record.key(), record.value(), headers);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private void collectFinished() {
    WorkItem item;
    while ((item = finished.poll()) != null) {
      if (units.get(item.unit.partition) != item.unit) {
        continue; // the partition was revoked or rewound meanwhile: its work is handed back
      }
      item.unit.done++;
    }
  }

  /** One transaction: the outcomes of every fully processed partition unit and their offsets. */
  private void commitCompleteUnits() {
    List<PartitionUnit> complete = new ArrayList<>();
    for (PartitionUnit unit : units.values()) {
      if (unit.isComplete()) {
        complete.add(unit);
      }
    }
    if (complete.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    try {
      producer.beginTransaction();
      for (PartitionUnit unit : complete) {
        for (WorkItem item : unit.items) {
          producer.send(item.outcome);
        }
        offsets.put(unit.partition, new OffsetAndMetadata(unit.nextOffset));
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
        | InvalidProducerEpochException e) {
      LOG.error("Result producer of worker {} cannot continue ({}); replacing it and rewinding {}", workerId, e, offsets.keySet());
      metrics.transactionAborted();
      producer.close(Duration.ZERO);
      producer = newTransactionalProducer(config.kafkaClientSettings());
      rewind(complete);
      return;
    } catch (KafkaException e) {
      LOG.warn("Result transaction of worker {} failed ({}); aborting and rewinding {}", workerId, e.toString(), offsets.keySet());
      metrics.transactionAborted();
      try {
        producer.abortTransaction();
      } catch (KafkaException abortFailure) {
        LOG.warn("Abort failed too; replacing the producer", abortFailure);
        producer.close(Duration.ZERO);
        producer = newTransactionalProducer(config.kafkaClientSettings());
      }
      rewind(complete);
      return;
    }
    for (PartitionUnit unit : complete) {
      units.remove(unit.partition);
      metrics.inFlight(-unit.items.size());
      for (WorkItem item : unit.items) {
        item.countOutcome(metrics);
      }
      if (consumer.assignment().contains(unit.partition)) {
        consumer.resume(List.of(unit.partition));
      }
    }
  }

  /** Hands a unit's records back: read again from its first offset (if still ours). */
  private void rewind(Collection<PartitionUnit> rewound) {
    for (PartitionUnit unit : rewound) {
      units.remove(unit.partition);
      metrics.inFlight(-unit.items.size());
      metrics.handedBack(unit.items.size());
      unit.items.forEach(item -> item.abandoned = true);
      if (consumer.assignment().contains(unit.partition)) {
        consumer.seek(unit.partition, unit.firstOffset);
        consumer.resume(List.of(unit.partition));
      }
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // what is finished is still ours to commit; what is not goes to the new owner uncommitted
      collectFinished();
      commitCompleteUnits();
      dropUnits(partitions, "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      dropUnits(partitions, "lost");
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        LOG.info("Worker {} assigned {}", workerId, partitions);
      }
    }
  }

  private void dropUnits(Collection<TopicPartition> partitions, String why) {
    for (TopicPartition partition : partitions) {
      PartitionUnit unit = units.remove(partition);
      if (unit != null) {
        LOG.info("Partition {} {} with {} requests in flight: handed back uncommitted", partition, why, unit.items.size());
        unit.items.forEach(item -> item.abandoned = true);
        metrics.inFlight(-unit.items.size());
        metrics.handedBack(unit.items.size());
      }
    }
  }

  // ---------------------------------------------------------------- generation thread

  private void generationLoop() {
    Deque<WorkItem> deferred = new ArrayDeque<>();
    // requests whose pinned model version is loading; looked at again on every turn of the loop
    List<WorkItem> waiting = new ArrayList<>();
    try {
      while (!halted && !(stopping && System.nanoTime() > generationDeadlineNanos)) {
        models.closeRetired();
        List<WorkItem> nowReady = new ArrayList<>();
        for (Iterator<WorkItem> it = waiting.iterator(); it.hasNext(); ) {
          WorkItem item = it.next();
          Preparation preparation = item.abandoned ? Preparation.REFUSED : prepare(item);
          if (preparation != Preparation.WAITING) {
            it.remove();
            if (preparation == Preparation.READY) {
              nowReady.add(item);
            }
          }
        }
        for (int i = nowReady.size() - 1; i >= 0; i--) {
          deferred.addFirst(nowReady.get(i));
        }
        WorkItem first = deferred.isEmpty() ? queue.poll(50, TimeUnit.MILLISECONDS) : deferred.poll();
        if (first == null) {
          if (stopping) {
            break; // nothing running, nothing more will be started
          }
          continue;
        }
        if (stopping) {
          continue; // queued but not started: hand it back
        }
        List<WorkItem> parked = new ArrayList<>();
        if (!ready(first, parked)) {
          waiting.addAll(parked);
          continue;
        }
        List<WorkItem> batch = new ArrayList<>();
        batch.add(first);
        int images = first.job.numImages();
        long waitUntil = System.nanoTime() + config.batchMaxWait().toNanos();
        List<WorkItem> incompatible = new ArrayList<>();
        while (images < config.batchMaxSize()) {
          WorkItem next = deferred.poll();
          if (next == null) {
            long remaining = waitUntil - System.nanoTime();
            next = remaining > 0 ? queue.poll(remaining, TimeUnit.NANOSECONDS) : queue.poll();
          }
          if (next == null) {
            break;
          }
          if (!ready(next, parked)) {
            continue;
          }
          if (next.settings.equals(first.settings) && images + next.job.numImages() <= config.batchMaxSize()) {
            batch.add(next);
            images += next.job.numImages();
          } else {
            incompatible.add(next);
          }
        }
        waiting.addAll(parked);
        for (int i = incompatible.size() - 1; i >= 0; i--) {
          deferred.addFirst(incompatible.get(i));
        }
        run(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("Generation thread of worker {} failed; stopping", workerId, e);
      stopping = true;
    }
  }

  /** Where {@link #prepare} left a request. */
  private enum Preparation {
    /** Model resolved, request valid: it can run. */
    READY,
    /** Refused: its failure outcome is recorded. */
    REFUSED,
    /** Its pinned model version is loading in the background: ask again later. */
    WAITING
  }

  /** Resolves the model and validates; a refused request gets its failure outcome. */
  private Preparation prepare(WorkItem item) {
    if (item.settings != null) {
      return Preparation.READY;
    }
    GenerationRequest request = item.request;
    LoadedModel model;
    try {
      ModelManager.Resolution resolution = models.resolve(request.getModelVersion());
      if (resolution instanceof ModelManager.Resolution.Loading) {
        return Preparation.WAITING;
      }
      model = ((ModelManager.Resolution.Ready) resolution).model();
    } catch (ModelUnavailableException e) {
      finish(item, failure(request, FailureCode.MODEL_UNAVAILABLE, e.getMessage(), true, null));
      return Preparation.REFUSED;
    }
    RequestValidator.Result result = validator.validate(request, model);
    if (result instanceof RequestValidator.Invalid invalid) {
      finish(item, failure(request, invalid.code(), invalid.message(), false, model.version()));
      return Preparation.REFUSED;
    }
    RequestValidator.Valid valid = (RequestValidator.Valid) result;
    item.model = model;
    item.job = valid.job();
    item.settings = valid.settings();
    return Preparation.READY;
  }

  /**
   * Prepares {@code item}: true when it can join a batch now; a request waiting for its pinned
   * model is parked in {@code waiting}, a refused one has its outcome.
   */
  private boolean ready(WorkItem item, List<WorkItem> waiting) {
    if (item.abandoned) {
      return false;
    }
    Preparation preparation = prepare(item);
    if (preparation == Preparation.WAITING) {
      waiting.add(item);
    }
    return preparation == Preparation.READY;
  }

  private void run(List<WorkItem> candidates) {
    List<WorkItem> batch = new ArrayList<>();
    long startedAt = System.currentTimeMillis();
    for (WorkItem item : candidates) {
      if (item.abandoned) {
        continue;
      }
      if (cancelled.contains(item.request.getRequestId())) {
        finish(item, failure(item.request, FailureCode.CANCELLED,
            "request " + item.request.getRequestId() + " was cancelled before generation started", false, item.settings.modelVersion()));
        continue;
      }
      batch.add(item);
    }
    if (batch.isEmpty()) {
      return;
    }
    BatchSettings settings = batch.get(0).settings;
    LoadedModel model = batch.get(0).model;
    List<GenerationJob> jobs = batch.stream().map(item -> item.job).toList();
    int images = jobs.stream().mapToInt(GenerationJob::numImages).sum();
    for (WorkItem item : batch) {
      item.queuedMs = Math.max(0, startedAt - item.record.timestamp());
      metrics.queued(item.queuedMs);
    }
    int progressEvery = config.progressFraction() <= 0 ? 0
        : Math.max(1, (int) Math.round(config.progressFraction() * settings.steps()));
    GeneratedBatch generated;
    try {
      generated = model.generator().generate(settings, jobs, (step, total) -> {
        if (halted || (stopping && System.nanoTime() > generationDeadlineNanos)) {
          throw new ImageWriter.Interrupted("worker stopped during sampling");
        }
        if (progressEvery > 0 && (step % progressEvery == 0 || step == total)) {
          for (WorkItem item : batch) {
            sendProgress(item.request.getRequestId(), step, total);
          }
        }
      });
    } catch (ImageWriter.Interrupted e) {
      LOG.info("Batch of {} requests handed back: {}", batch.size(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      if (halted || stopping) {
        // a failure while the worker (or its JVM) stops is most likely the stop's doing: the next
        // owner of the partition generates these again, and a real fault fails them there
        LOG.info("Batch of {} requests handed back: worker stopping ({})", batch.size(), e.toString());
        return;
      }
      LOG.error("Batch of {} requests failed on model {}", batch.size(), model, e);
      for (WorkItem item : batch) {
        finish(item, failure(item.request, FailureCode.INTERNAL, "generation failed on model " + model + ": " + e,
            true, model.version()));
      }
      return;
    }
    metrics.batch(images, generated.encodeNanos(), generated.sampleNanos());
    for (int j = 0; j < batch.size(); j++) {
      WorkItem item = batch.get(j);
      if (item.abandoned) {
        continue;
      }
      long storeStart = System.nanoTime();
      List<ImageRef> refs;
      try {
        refs = imageWriter.write(item.job.requestId(), settings.modelVersion(), generated.pngsPerJob().get(j),
            item.job.firstSeed(), settings.size(), () -> halted || item.abandoned
                || (stopping && System.nanoTime() > generationDeadlineNanos));
      } catch (ImageWriter.Interrupted e) {
        LOG.info("Request {} handed back: {}", item.job.requestId(), e.getMessage());
        continue;
      } catch (ImageWriter.Refused e) {
        LOG.error("Request {} failed: {}", item.job.requestId(), e.getMessage());
        finish(item, failure(item.request, FailureCode.STORAGE_UNAVAILABLE, e.getMessage(), true, settings.modelVersion()));
        continue;
      }
      long storeNanos = System.nanoTime() - storeStart;
      metrics.stored(storeNanos);
      Timings timings = Timings.newBuilder().setQueuedMs(item.queuedMs)
          .setEncodeMs(TimeUnit.NANOSECONDS.toMillis(generated.encodeNanos()))
          .setSampleMs(TimeUnit.NANOSECONDS.toMillis(generated.sampleNanos()))
          .setStoreMs(TimeUnit.NANOSECONDS.toMillis(storeNanos)).build();
      GenerationCompleted completed = GenerationCompleted.newBuilder().setRequestId(item.job.requestId())
          .setModelVersion(settings.modelVersion()).setImages(refs).setTimings(timings).setWorkerId(workerId)
          .setCompletedAt(Instant.now()).setTags(item.request.getTags()).build();
      finish(item, GenerationResult.newBuilder().setRequestId(item.job.requestId()).setOutcome(completed).build());
    }
  }

  private void sendProgress(String requestId, int step, int total) {
    GenerationProgress progress = GenerationProgress.newBuilder().setRequestId(requestId).setStep(step)
        .setTotalSteps(total).setWorkerId(workerId).setAt(Instant.now()).build();
    try {
      progressProducer.send(new ProducerRecord<>(Topic.PROGRESS.topicName(), requestId, progress), (metadata, error) -> {
        if (error != null) {
          LOG.debug("Progress event of {} not sent: {}", requestId, error.toString());
        }
      });
    } catch (RuntimeException e) { // KafkaException, or the producer closed by a halt
      LOG.debug("Progress event of {} not sent: {}", requestId, e.toString());
    }
  }

  private GenerationResult failure(GenerationRequest request, FailureCode code, String message, boolean retriable,
      String modelVersion) {
    GenerationFailed failed = GenerationFailed.newBuilder().setRequestId(request.getRequestId()).setCode(code)
        .setMessage(message).setRetriable(retriable).setModelVersion(modelVersion).setWorkerId(workerId)
        .setFailedAt(Instant.now()).setTags(request.getTags()).build();
    return GenerationResult.newBuilder().setRequestId(request.getRequestId()).setOutcome(failed).build();
  }

  /** Hands an outcome to the poll thread (serialised here, off the poll thread). */
  private void finish(WorkItem item, GenerationResult result) {
    String requestId = result.getRequestId();
    byte[] value = null;
    long backoff = 100;
    while (value == null) {
      try {
        value = resultSerializer.serialize(Topic.RESULTS.topicName(), result);
      } catch (RuntimeException e) {
        // the registry may be briefly unreachable: the outcome waits, the partition stays paused
        if (halted || (stopping && System.nanoTime() > generationDeadlineNanos)) {
          return; // handed back uncommitted
        }
        LOG.warn("Cannot serialise the outcome of {} ({}); retrying in {} ms", requestId, e.toString(), backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff = Math.min(5_000, backoff * 2);
      }
    }
    item.result = result;
    item.outcome = new ProducerRecord<>(Topic.RESULTS.topicName(), utf8(requestId), value);
    finished.add(item);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Ready: a model is loaded and the consumer polls (with or without partitions yet). */
  public boolean isReady() {
    return models.isLoaded() && polling && !stopping;
  }

  public boolean isAssigned() {
    return assigned;
  }

  public boolean isRunning() {
    return stopped.getCount() > 0 && started.get();
  }

  public ModelManager models() {
    return models;
  }

  /**
   * Graceful stop, safe to call more than once and from any thread: no new records are started,
   * the running batch may finish within {@code shutdown.timeout.ms} and is committed, queued
   * requests are handed back uncommitted, and the consumer leaves the group.
   */
  public void shutdown() {
    if (!shutdownRequested.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    generationDeadlineNanos = System.nanoTime() + config.shutdownTimeout().toNanos();
    stopping = true;
    if (started.get()) {
      joinQuietly(generationThread, config.shutdownTimeout().plusSeconds(10));
      awaitStopped();
    }
    closeFollowersAndModels();
  }

  /**
   * Stops at once as a crash would: nothing more is committed, the consumer does not leave the
   * group, open transactions are left to time out. For tests of failure handling.
   */
  public void halt() {
    if (!shutdownRequested.compareAndSet(false, true)) {
      halted = true; // a graceful stop is under way: cut it short
      awaitClosed();
      return;
    }
    halted = true;
    if (started.get()) {
      consumer.wakeup();
      joinQuietly(generationThread, Duration.ofSeconds(30));
      awaitStopped();
    }
    closeFollowersAndModels();
  }

  private void awaitClosed() {
    try {
      if (!closed.await(config.shutdownTimeout().toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("Worker {} did not close in time", workerId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitStopped() {
    try {
      if (started.get() && !stopped.await(config.shutdownTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("Worker {} did not stop in time", workerId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeClients() {
    if (halted) {
      producer.close(Duration.ZERO);
      consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
          .withTimeout(Duration.ZERO));
    } else {
      int handedBack = units.values().stream().mapToInt(unit -> unit.items.size()).sum();
      if (handedBack > 0) {
        LOG.info("Worker {} hands back {} uncommitted requests", workerId, handedBack);
        metrics.handedBack(handedBack);
        metrics.inFlight(-handedBack);
      }
      units.clear();
      producer.close(Duration.ofSeconds(10));
      consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
          .withTimeout(Duration.ofSeconds(10)));
    }
  }

  private synchronized void closeFollowersAndModels() {
    if (progressProducer != null) {
      // closed only now: the generation thread, which sends progress, has ended
      progressProducer.close(halted ? Duration.ZERO : Duration.ofSeconds(5));
      progressProducer = null;
    }
    if (modelFollower != null) {
      modelFollower.close();
      modelFollower = null;
    }
    if (cancellationFollower != null) {
      cancellationFollower.close();
      cancellationFollower = null;
    }
    models.close();
    closed.countDown();
    LOG.info("Worker {} stopped", workerId);
  }

  private static void joinQuietly(Thread thread, Duration timeout) {
    if (thread == null) {
      return;
    }
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    shutdown();
  }

  // ---------------------------------------------------------------- state

  /** The records polled from one partition in one poll, committed together. */
  private static final class PartitionUnit {
    final TopicPartition partition;
    final long firstOffset;
    final long nextOffset;
    final List<WorkItem> items = new ArrayList<>();
    int done;

    PartitionUnit(TopicPartition partition, long firstOffset, long nextOffset) {
      this.partition = partition;
      this.firstOffset = firstOffset;
      this.nextOffset = nextOffset;
    }

    boolean isComplete() {
      // dead-lettered records were complete on arrival; the others are counted as they finish
      long deadLetters = items.stream().filter(item -> item.request == null).count();
      return done + deadLetters == items.size();
    }
  }

  /** One polled record on its way to an outcome. */
  private static final class WorkItem {
    final PartitionUnit unit;
    final ConsumerRecord<byte[], byte[]> record;
    GenerationRequest request;
    volatile boolean abandoned;
    LoadedModel model;
    GenerationJob job;
    BatchSettings settings;
    long queuedMs;
    volatile GenerationResult result;
    volatile ProducerRecord<byte[], byte[]> outcome;

    WorkItem(PartitionUnit unit, ConsumerRecord<byte[], byte[]> record) {
      this.unit = unit;
      this.record = record;
    }

    void countOutcome(WorkerMetrics metrics) {
      if (request == null) {
        metrics.deadLettered();
      } else if (result != null && result.getOutcome() instanceof GenerationFailed failed) {
        metrics.failed(failed.getCode());
      } else {
        metrics.completed();
      }
    }
  }
}
