package io.graphpaint.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.graphpaint.orchestrator.query.StatusQueries;
import io.graphpaint.orchestrator.query.StoreUnavailableException;
import io.graphpaint.orchestrator.status.RequestStatus;
import io.graphpaint.orchestrator.status.StatusFold;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent events of one request's status: a {@code status} event at once and on every change,
 * then one {@code completed}, {@code failed} or {@code cancelled} event, and the stream closes.
 * The status is polled through {@link StatusQueries}, so any instance can serve any request; while
 * the request's owner cannot answer, from a standby replica (see {@link
 * StatusQueries#statusOrStandby}), whose copy may lag: a standby status older than one the stream
 * has sent is not sent.
 */
public final class SseFollower implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SseFollower.class);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  /** How often to look, how long to wait for an unknown id to appear, how long a stream may last. */
  public record Settings(Duration pollInterval, Duration unknownGrace, Duration maxDuration) {
    public Settings {
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
      }
    }
  }

  private final StatusQueries queries;
  private final ImageLinks links;
  private final Settings settings;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "graphpaint-sse");
    t.setDaemon(true);
    return t;
  });

  SseFollower(StatusQueries queries, ImageLinks links, Settings settings) {
    this.queries = queries;
    this.links = links;
    this.settings = settings;
  }

  SseHandler handler(String requestId) {
    return new SseHandler(client -> follow(requestId, client));
  }

  private void follow(String requestId, SseClient client) {
    client.keepAlive();
    long startNanos = System.nanoTime();
    AtomicReference<RequestStatus> last = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicLong lastSentNanos = new java.util.concurrent.atomic.AtomicLong(startNanos);
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable tick = () -> {
      try {
        if (client.terminated()) {
          cancel(task);
          return;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        if (elapsed.compareTo(settings.maxDuration()) > 0) {
          client.sendEvent("timeout", "{\"detail\":\"stream lasted its maximum of "
              + settings.maxDuration().toSeconds() + " s; reconnect to follow on\"}");
          finish(client, task);
          return;
        }
        StatusQueries.Read read;
        try {
          read = queries.statusOrStandby(requestId);
        } catch (StoreUnavailableException e) {
          return; // rebalancing, or the owner is down with no standby that has it: try again next tick
        }
        Optional<RequestStatus> status = read.status();
        if (status.isEmpty()) {
          if (elapsed.compareTo(settings.unknownGrace()) > 0) {
            client.sendEvent("error", HttpApi.problemJson(new ApiProblem(ApiProblem.Kind.NOT_FOUND,
                "no generation request with id '" + requestId + "'"), null));
            finish(client, task);
          }
          return;
        }
        RequestStatus current = status.get();
        if (read.stale() && behind(current, last.get())) {
          return; // a standby copy that has not caught up with what this stream sent
        }
        if (current.equals(last.get())) {
          // A comment now and then keeps proxies from closing a quiet stream.
          if (System.nanoTime() - lastSentNanos.get() > KEEP_ALIVE.toNanos()) {
            client.sendComment("keep-alive");
            lastSentNanos.set(System.nanoTime());
          }
          return;
        }
        lastSentNanos.set(System.nanoTime());
        last.set(current);
        String json = HttpApi.JSON.writeValueAsString(StatusView.of(current, links));
        String eventId = current.getUpdatedAt() + "-" + current.getStep();
        if (StatusFold.isTerminal(current)) {
          client.sendEvent(current.getState().name().toLowerCase(), json, eventId);
          finish(client, task);
        } else {
          client.sendEvent("status", json, eventId);
        }
      } catch (JsonProcessingException e) {
        log.warn("status of {} did not render: {}", requestId, e.getMessage());
      } catch (RuntimeException e) {
        log.debug("SSE stream of {} ended: {}", requestId, e.toString());
        finish(client, task);
      }
    };
    client.onClose(() -> cancel(task));
    task.set(timer.scheduleWithFixedDelay(tick, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS));
  }

  /** Whether {@code current} is an older state of the request than {@code sent} (null: nothing sent yet). */
  static boolean behind(RequestStatus current, RequestStatus sent) {
    if (sent == null || StatusFold.isTerminal(current)) {
      return false;
    }
    return StatusFold.isTerminal(sent) || current.getUpdatedAt() < sent.getUpdatedAt()
        || (current.getUpdatedAt() == sent.getUpdatedAt() && current.getStep() < sent.getStep());
  }

  private static void finish(SseClient client, AtomicReference<ScheduledFuture<?>> task) {
    cancel(task);
    client.close();
  }

  private static void cancel(AtomicReference<ScheduledFuture<?>> task) {
    ScheduledFuture<?> future = task.get();
    if (future != null) {
      future.cancel(false);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
