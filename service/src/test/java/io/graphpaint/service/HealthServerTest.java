package io.graphpaint.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  @Test
  void healthReadinessWithItsStateAndPrometheusMetrics() throws Exception {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.counter("graphpaint.test.events").increment(3);
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer http = new HealthServer("test", 0, ready::get, () -> "model v1", meters)) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + http.port();
      assertThat(get(client, base + "/health").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(client, base + "/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("not ready: model v1\n");
      ready.set(true);
      HttpResponse<String> isReady = get(client, base + "/ready");
      assertThat(isReady.statusCode()).isEqualTo(200);
      assertThat(isReady.body()).isEqualTo("ready: model v1\n");
      HttpResponse<String> metrics = get(client, base + "/metrics");
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      assertThat(metrics.body()).contains("graphpaint_test_events_total 3.0");
    }
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
