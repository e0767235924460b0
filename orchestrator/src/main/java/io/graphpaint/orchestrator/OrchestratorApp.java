package io.graphpaint.orchestrator;

import io.graphpaint.orchestrator.api.GenerationRequestParser;
import io.graphpaint.orchestrator.api.HttpApi;
import io.graphpaint.orchestrator.api.ImageLinks;
import io.graphpaint.orchestrator.config.OrchestratorConfig;
import io.graphpaint.orchestrator.query.StatusQueries;
import io.graphpaint.orchestrator.status.AvroSerdes;
import io.graphpaint.orchestrator.status.StatusTopology;
import io.graphpaint.storage.ObjectStore;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One orchestrator instance: the Kafka Streams status application, the event publisher and the
 * HTTP API, started and stopped together. {@link #close()} is safe to call twice.
 */
public final class OrchestratorApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OrchestratorApp.class);

  private final OrchestratorConfig config;
  private final KafkaStreams streams;
  private final EventPublisher publisher;
  private final HttpApi http;
  private final PrometheusMeterRegistry metrics;
  private final KafkaStreamsMetrics streamsMetrics;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OrchestratorApp(OrchestratorConfig config, AvroSerdes serdes, Optional<ObjectStore> store) {
    this.config = config;
    // The advertised port must be known before Kafka Streams starts (application.server), so a
    // configured port 0 is resolved to a free port here.
    this.port = config.httpPort() != 0 ? config.httpPort() : freePort();
    HostInfo self = new HostInfo(config.advertisedHost(), port);

    StreamsBuilder builder = new StreamsBuilder();
    StatusTopology.build(builder, serdes,
        new StatusTopology.Options(config.recentPerPartition(), Duration.ofSeconds(30)));
    this.streams = new KafkaStreams(builder.build(), streamsProperties(config, self));
    this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(metrics);

    this.publisher = new EventPublisher(config.kafkaClientProperties(), serdes, config.submitTimeout());
    StatusQueries queries = new StatusQueries(streams, self, config.forwardTimeout(), config.authToken());
    Duration ttl = config.imageUrlTtl();
    ImageLinks links = store.<ImageLinks>map(s -> (bucket, key) -> Optional.of(s.presignedGetUrl(bucket, key, ttl)))
        .orElse(ImageLinks.NONE);
    VocabularySource vocabulary = new VocabularySource(config.modelName(), queries::models, store,
        config.vocabularyFile());
    this.http = new HttpApi(
        new HttpApi.Dependencies(queries, publisher, streams::state, links, vocabulary, metrics, Clock.systemUTC()),
        new HttpApi.Settings(config.httpHost(), port, config.maxBodyBytes(), config.authToken(),
            config.listMaxLimit(),
            new GenerationRequestParser.Limits(config.maxObjects(), config.maxRelationships(), config.maxSteps()),
            HttpApi.sseSettings(config.ssePollInterval(), Duration.ofSeconds(30), config.sseMaxDuration())));
  }

  /** Starts Kafka Streams and the HTTP API. */
  public static OrchestratorApp start(OrchestratorConfig config, AvroSerdes serdes, Optional<ObjectStore> store) {
    OrchestratorApp app = new OrchestratorApp(config, serdes, store);
    try {
      app.streams.setUncaughtExceptionHandler(e -> {
        log.error("stream thread failed; replacing it", e);
        return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      app.streams.start();
      app.http.start();
      log.info("orchestrator listening on {}:{} (advertised {}:{})", config.httpHost(), app.port,
          config.advertisedHost(), app.port);
      return app;
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  static Properties streamsProperties(OrchestratorConfig config, HostInfo self) {
    Properties props = new Properties();
    props.putAll(config.kafkaClientProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(config, self));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    // By default undecodable bytes do not stop the status application: they are logged and skipped.
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, config.skipUndecodable()
        ? LogAndContinueExceptionHandler.class : org.apache.kafka.streams.errors.LogAndFailExceptionHandler.class);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // The models global table gets the same exception handling as the rest (the Kafka 5.0 default).
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    return props;
  }

  /** One state directory per advertised endpoint, so that instances on one machine do not collide. */
  private static String stateDir(OrchestratorConfig config, HostInfo self) {
    try {
      var dir = config.stateDir().resolve(self.host() + "-" + self.port());
      Files.createDirectories(dir);
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("state directory " + config.stateDir() + " cannot be created", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  public int port() {
    return port;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public OrchestratorConfig config() {
    return config;
  }

  /** Blocks until Kafka Streams is RUNNING or the timeout passes. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (streams.state() == KafkaStreams.State.RUNNING) {
        return true;
      }
      Thread.sleep(50);
    }
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      http.close();
    } catch (RuntimeException e) {
      log.warn("HTTP API did not stop cleanly", e);
    }
    streams.close(Duration.ofSeconds(10));
    streamsMetrics.close();
    publisher.close();
    metrics.close();
  }
}
