package io.graphpaint.worker.ops;

import io.graphpaint.events.FailureCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker's meters, named {@code graphpaint.worker.*} (Prometheus: {@code graphpaint_worker_*}).
 * Timers publish p50 / p90 / p99 beside their histograms.
 */
public final class WorkerMetrics {

  private final MeterRegistry registry;
  private final Timer queueTime;
  private final Timer encodeTime;
  private final Timer sampleTime;
  private final Timer storeTime;
  private final DistributionSummary batchSize;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Counter completed;
  private final Counter deadLettered;
  private final Counter modelLoadFailures;
  private final Counter storeRetries;
  private final Counter abandoned;
  private final Counter transactionAborts;
  private final AtomicReference<String> currentModelVersion = new AtomicReference<>();
  private final Set<String> versionGauges = ConcurrentHashMap.newKeySet();

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.queueTime = timer("graphpaint.worker.queue.time", "From the request's record timestamp to the start of its batch");
    this.encodeTime = timer("graphpaint.worker.encode.time", "Building S_cond of a batch (text tower, graph encoder, fusion)");
    this.sampleTime = timer("graphpaint.worker.generation.time", "Denoising a batch and encoding its PNGs");
    this.storeTime = timer("graphpaint.worker.store.time", "Writing a request's images to the object store, retries included");
    this.batchSize = DistributionSummary.builder("graphpaint.worker.batch.size").description("Images per sampled batch")
        .publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder("graphpaint.worker.in.flight", inFlight, AtomicInteger::get)
        .description("Requests taken from Kafka whose outcome is not committed yet").register(registry);
    this.completed = Counter.builder("graphpaint.worker.completed").description("Requests completed").register(registry);
    this.deadLettered = Counter.builder("graphpaint.worker.dlq").description("Undecodable records sent to the DLQ").register(registry);
    this.modelLoadFailures = Counter.builder("graphpaint.worker.model.load.failures")
        .description("Model versions that failed to load (the previous version kept serving)").register(registry);
    this.storeRetries = Counter.builder("graphpaint.worker.store.retries").description("Image writes retried").register(registry);
    this.abandoned = Counter.builder("graphpaint.worker.handed.back")
        .description("Requests handed back uncommitted (revocation, shutdown, failed commit)").register(registry);
    this.transactionAborts = Counter.builder("graphpaint.worker.transaction.aborts")
        .description("Result transactions aborted (their requests are redelivered)").register(registry);
    for (FailureCode code : FailureCode.values()) {
      failureCounter(code); // every code visible at 0
    }
  }

  private Timer timer(String name, String description) {
    return Timer.builder(name).description(description).publishPercentiles(0.5, 0.9, 0.99)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
  }

  private Counter failureCounter(FailureCode code) {
    return Counter.builder("graphpaint.worker.failures").tag("code", code.name())
        .description("Requests answered with GenerationFailed, by code").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void queued(long millis) {
    queueTime.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  public void batch(int images, long encodeNanos, long sampleNanos) {
    batchSize.record(images);
    encodeTime.record(encodeNanos, TimeUnit.NANOSECONDS);
    sampleTime.record(sampleNanos, TimeUnit.NANOSECONDS);
  }

  public void stored(long nanos) {
    storeTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void inFlight(int delta) {
    inFlight.addAndGet(delta);
  }

  public int inFlight() {
    return inFlight.get();
  }

  public void completed() {
    completed.increment();
  }

  public void failed(FailureCode code) {
    failureCounter(code).increment();
  }

  public void deadLettered() {
    deadLettered.increment();
  }

  public void modelLoadFailed() {
    modelLoadFailures.increment();
  }

  public double modelLoadFailures() {
    return modelLoadFailures.count();
  }

  public void storeRetried() {
    storeRetries.increment();
  }

  public void handedBack(int requests) {
    abandoned.increment(requests);
  }

  public void transactionAborted() {
    transactionAborts.increment();
  }

  /** The served version: gauge {@code graphpaint.worker.model.version{model, version}} is 1 for it, 0 for others. */
  public void modelVersion(String modelName, String version) {
    currentModelVersion.set(modelName + "/" + version);
    if (versionGauges.add(modelName + "/" + version)) {
      String key = modelName + "/" + version;
      Gauge.builder("graphpaint.worker.model.version", currentModelVersion, current -> key.equals(current.get()) ? 1 : 0)
          .tag("model", modelName).tag("version", version)
          .description("1 for the model version being served").register(registry);
    }
  }
}
