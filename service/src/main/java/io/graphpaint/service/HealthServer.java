package io.graphpaint.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A service's {@code /health} (the process answers), {@code /ready} (200 when it can take work,
 * 503 otherwise, with a one-line state either way) and {@code /metrics} (Prometheus text format)
 * on the JDK's HTTP server, answered by one daemon thread.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * @param service names the serving thread ({@code graphpaint-<service>-http})
   * @param port 0 for a free port
   * @param ready whether the service is ready
   * @param detail a one-line description of the state, shown by /ready
   */
  public HealthServer(String service, int port, BooleanSupplier ready, Supplier<String> detail,
      PrometheusMeterRegistry metrics) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "graphpaint-" + service + "-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/health", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    server.createContext("/ready", exchange -> {
      boolean isReady = ready.getAsBoolean();
      respond(exchange, isReady ? 200 : 503, "text/plain", (isReady ? "ready: " : "not ready: ") + detail.get() + "\n");
    });
    server.createContext("/metrics", exchange ->
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
