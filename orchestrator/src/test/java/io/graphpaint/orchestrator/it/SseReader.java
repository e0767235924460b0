package io.graphpaint.orchestrator.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Reads a server-sent-event stream into a list of (event, data) until the server closes it. */
final class SseReader {

  record Event(String name, String data) {}

  final List<Event> events = new CopyOnWriteArrayList<>();
  final CompletableFuture<Void> done;

  SseReader(HttpClient http, String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Accept", "text/event-stream").GET().build();
    done = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
      String name = "message";
      StringBuilder data = new StringBuilder();
      try (Stream<String> lines = response.body()) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new Event(name, data.toString()));
            }
            name = "message";
            data.setLength(0);
          } else if (line.startsWith("event:")) {
            name = line.substring(6).trim();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
          }
        }
      }
    });
  }
}
