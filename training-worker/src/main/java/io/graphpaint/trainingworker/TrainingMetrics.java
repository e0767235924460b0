package io.graphpaint.trainingworker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The training worker's meters, named {@code graphpaint.training.*} (Prometheus:
 * {@code graphpaint_training_*}).
 */
public final class TrainingMetrics {

  private final MeterRegistry registry;
  private final Timer jobTime;
  private final Counter published;
  private final Counter promoted;
  private final Counter superseded;
  private final Counter resumed;
  private final AtomicLong running = new AtomicLong();
  private final AtomicLong step = new AtomicLong();
  private final AtomicReference<Double> millisPerStep = new AtomicReference<>(0.0);
  private final AtomicReference<Double> etaSeconds = new AtomicReference<>(0.0);
  private final Map<String, AtomicReference<Double>> losses = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();

  public TrainingMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.jobTime = Timer.builder("graphpaint.training.job.time")
        .description("From taking a dataset update to its version being published").publishPercentiles(0.5, 0.9)
        .register(registry);
    this.published = Counter.builder("graphpaint.training.published").description("Model versions published").register(registry);
    this.promoted = Counter.builder("graphpaint.training.promoted").description("Published versions that passed the gate").register(registry);
    this.superseded = Counter.builder("graphpaint.training.superseded")
        .description("Updates skipped because a newer update of the same dataset was waiting").register(registry);
    this.resumed = Counter.builder("graphpaint.training.resumed").description("Jobs continued from a checkpoint").register(registry);
    Gauge.builder("graphpaint.training.running", running, AtomicLong::get).description("1 while a job trains").register(registry);
    Gauge.builder("graphpaint.training.step", step, AtomicLong::get).description("Step of the running job").register(registry);
    Gauge.builder("graphpaint.training.step.millis", millisPerStep, AtomicReference::get)
        .description("Mean wall time per training step of the running stage").register(registry);
    Gauge.builder("graphpaint.training.eta.seconds", etaSeconds, AtomicReference::get)
        .description("Estimated training time left in the running job").register(registry);
    failure("bad_update");
    failure("internal");
  }

  void jobStarted() {
    running.set(1);
    step.set(0);
  }

  void jobEnded() {
    running.set(0);
  }

  void progress(long currentStep, double stepMillis, Duration remaining, Map<String, Float> currentLosses) {
    step.set(currentStep);
    millisPerStep.set(stepMillis);
    etaSeconds.set(remaining.toMillis() / 1000.0);
    currentLosses.forEach((name, value) -> losses.computeIfAbsent(name, n -> {
      AtomicReference<Double> holder = new AtomicReference<>(0.0);
      Gauge.builder("graphpaint.training.loss", holder, AtomicReference::get).tag("term", n)
          .description("Latest training loss by term").register(registry);
      return holder;
    }).set((double) value));
  }

  void published(Duration took, boolean wasPromoted) {
    jobTime.record(took);
    published.increment();
    if (wasPromoted) {
      promoted.increment();
    }
  }

  void superseded(int count) {
    superseded.increment(count);
  }

  void resumed() {
    resumed.increment();
  }

  void failed(String reason) {
    failure(reason).increment();
  }

  private Counter failure(String reason) {
    return failures.computeIfAbsent(reason, r -> Counter.builder("graphpaint.training.failed").tag("reason", r)
        .description("Dataset updates that ended FAILED, by reason").register(registry));
  }
}
