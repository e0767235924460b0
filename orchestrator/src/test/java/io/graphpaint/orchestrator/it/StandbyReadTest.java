package io.graphpaint.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.FailureCode;
import io.graphpaint.events.GenerationFailed;
import io.graphpaint.events.GenerationResult;
import io.graphpaint.orchestrator.api.HttpApi;
import io.graphpaint.orchestrator.config.OrchestratorConfig;
import io.graphpaint.orchestrator.query.StatusQueries;
import io.graphpaint.orchestrator.status.StatusTopology;
import io.graphpaint.schemas.Topic;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.Test;

/**
 * An instance crashes: until the group notices (the session timeout), its keys still belong to it,
 * and with a standby replica the other instance answers for them from its copy, saying so: for a
 * single request, its event stream, the list and the model list's outcome counts.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE, parts = {DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY, DevStack.Part.S3})
class StandbyReadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GRAPH =
      "{\"objects\": [\"red circle\", \"blue square\"], \"relationships\": [[0, \"left of\", 1]]}";

  @Test
  void aCrashedOwnersRequestsAreReadFromTheStandbyAndMarkedSo(DevStack stack) throws Exception {
    try (Cluster cluster = new Cluster(stack, 2, Map.of(
        OrchestratorConfig.STREAMS_APPLICATION_ID, "orchestrator-standby-it",
        OrchestratorConfig.STREAMS_STANDBY_REPLICAS, "1"))) {
      List<String> ownedByFirst = new ArrayList<>();
      List<String> ownedBySecond = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String id = String.format("standby-%02d", i); // no id is a prefix of another
        HttpResponse<String> accepted = cluster.send(i % 2, "PUT", "/v1/generations/" + id, GRAPH, "application/json");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        KeyQueryMetadata owner = cluster.apps.get(1).streams()
            .queryMetadataForKey(StatusTopology.STATUS_STORE, id, Serdes.String().serializer());
        (owner.activeHost().port() == cluster.apps.get(0).port() ? ownedByFirst : ownedBySecond).add(id);
        assertThat(owner.standbyHosts()).as("standby of " + id).hasSize(1).doesNotContain(owner.activeHost());
      }
      assertThat(ownedByFirst).isNotEmpty();
      assertThat(ownedBySecond).isNotEmpty();
      String firstsPartitions = ownedByFirst.stream()
          .map(id -> cluster.apps.get(1).streams()
              .queryMetadataForKey(StatusTopology.STATUS_STORE, id, Serdes.String().serializer()).partition())
          .distinct().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
      // the second instance's standby copies have caught up with the first's requests
      for (String id : ownedByFirst) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          HttpResponse<String> copy = cluster.get(1, StatusQueries.INTERNAL_STATUS + id + "?" + StatusQueries.STALE_PARAMETER + "=true");
          assertThat(copy.statusCode()).as(id).isEqualTo(200);
          assertThat(cluster.get(1, StatusQueries.INTERNAL_STATUS + id).statusCode())
              .as("the active-only read of a key the other instance owns").isEqualTo(404);
        });
        HttpResponse<String> owned = cluster.get(1, "/v1/generations/" + id);
        assertThat(owned.statusCode()).as(owned.body()).isEqualTo(200);
        assertThat(owned.headers().firstValue(HttpApi.STALE_HEADER)).as("read from the owner").isEmpty();
      }
      // ... and so have its standby copies of the first's recent index
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        HttpResponse<String> copies = cluster.get(1, StatusQueries.INTERNAL_RECENT + "?limit=200&"
            + StatusQueries.PARTITIONS_PARAMETER + "=" + firstsPartitions + "&" + StatusQueries.STALE_PARAMETER + "=true");
        assertThat(copies.statusCode()).isEqualTo(200);
        assertThat(ownedByFirst).allMatch(copies.body()::contains);
        assertThat(ownedBySecond).noneMatch(copies.body()::contains);
      });
      HttpResponse<String> badPartitions = cluster.get(1, StatusQueries.INTERNAL_RECENT + "?"
          + StatusQueries.PARTITIONS_PARAMETER + "=1,x");
      assertThat(badPartitions.statusCode()).isEqualTo(400);
      assertThat(badPartitions.body()).contains("must be comma-separated partition numbers >= 0, e.g. 0,3; got '1,x'");
      HttpResponse<String> list = cluster.get(1, "/v1/generations?limit=200");
      assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
      assertThat(listedIds(list)).containsExactlyInAnyOrderElementsOf(concat(ownedByFirst, ownedBySecond));
      assertThat(list.headers().firstValue(HttpApi.STALE_HEADER)).as("every instance answered").isEmpty();

      String unknown = null;
      for (int i = 0; unknown == null && i < 1000; i++) {
        KeyQueryMetadata owner = cluster.apps.get(1).streams()
            .queryMetadataForKey(StatusTopology.STATUS_STORE, "never-" + i, Serdes.String().serializer());
        unknown = owner.activeHost().port() == cluster.apps.get(0).port() ? "never-" + i : null;
      }
      assertThat(unknown).as("an id of the first instance's partitions").isNotNull();

      // outcome counts by model version: two versions counted on the first instance, one on the second
      List<String> firstsVersions = new ArrayList<>();
      List<String> secondsVersions = new ArrayList<>();
      Set<Integer> firstsCountPartitions = new TreeSet<>();
      for (int i = 0; (firstsVersions.size() < 2 || secondsVersions.isEmpty()) && i < 1000; i++) {
        String version = "standby-model-" + i;
        KeyQueryMetadata counter = cluster.apps.get(1).streams()
            .queryMetadataForKey(StatusTopology.MODEL_COUNTS_STORE, version, Serdes.String().serializer());
        boolean first = counter.activeHost().port() == cluster.apps.get(0).port();
        List<String> versions = first ? firstsVersions : secondsVersions;
        if (versions.size() < (first ? 2 : 1)) {
          versions.add(version);
          if (first) {
            firstsCountPartitions.add(counter.partition());
          }
        }
      }
      List<String> versions = concat(firstsVersions, secondsVersions);
      assertThat(versions).hasSize(3);
      for (int i = 0; i < versions.size(); i++) {
        String id = "counted-" + i;
        HttpResponse<String> accepted = cluster.send(0, "PUT", "/v1/generations/" + id, GRAPH, "application/json");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        cluster.produce(Topic.RESULTS, id, GenerationResult.newBuilder().setRequestId(id).setOutcome(
            GenerationFailed.newBuilder().setRequestId(id).setCode(FailureCode.MODEL_UNAVAILABLE)
                .setMessage("no model").setRetriable(false).setModelVersion(versions.get(i)).setWorkerId("standby-it")
                .setFailedAt(Instant.now()).setTags(Map.of()).build()).build());
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        HttpResponse<String> models = cluster.get(1, "/v1/models");
        assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
        assertThat(failedByVersion(models)).containsAllEntriesOf(Map.of(versions.get(0), 1, versions.get(1), 1,
            versions.get(2), 1));
        assertThat(models.headers().firstValue(HttpApi.STALE_HEADER)).as("every instance answered").isEmpty();
        // ... and the second instance's standby copy of the first's counts has caught up
        HttpResponse<String> copies = cluster.get(1, StatusQueries.INTERNAL_MODEL_COUNTS + "?"
            + StatusQueries.PARTITIONS_PARAMETER + "=" + firstsCountPartitions.stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(",")) + "&" + StatusQueries.STALE_PARAMETER + "=true");
        assertThat(copies.statusCode()).isEqualTo(200);
        assertThat(firstsVersions).allMatch(copies.body()::contains);
        assertThat(copies.body()).doesNotContain(secondsVersions.get(0));
      });

      cluster.apps.get(0).close(); // gone without a word: the group keeps it as owner until the session times out

      for (String id : ownedByFirst) {
        HttpResponse<String> read = cluster.get(1, "/v1/generations/" + id);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(JSON.readTree(read.body()).path("requestId").asText()).isEqualTo(id);
        assertThat(JSON.readTree(read.body()).path("state").asText()).isEqualTo("SUBMITTED");
        assertThat(read.headers().firstValue(HttpApi.STALE_HEADER)).as(id).contains("standby");
      }
      for (String id : ownedBySecond) {
        HttpResponse<String> read = cluster.get(1, "/v1/generations/" + id);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.headers().firstValue(HttpApi.STALE_HEADER)).as(id).isEmpty();
      }
      // a stream of one of them: its status at once, from the standby copy, not after the session timeout
      SseReader sse = new SseReader(cluster.http, cluster.base(1) + "/v1/generations/" + ownedByFirst.get(0) + "/events");
      await().atMost(Duration.ofSeconds(5)).until(() -> !sse.events.isEmpty());
      assertThat(sse.events.get(0).name()).isEqualTo("status");
      assertThat(JSON.readTree(sse.events.get(0).data()).path("requestId").asText()).isEqualTo(ownedByFirst.get(0));
      assertThat(JSON.readTree(sse.events.get(0).data()).path("state").asText()).isEqualTo("SUBMITTED");
      // the list: the crashed owner's partitions from the standby copies, nothing lost, said so
      HttpResponse<String> standbyList = cluster.get(1, "/v1/generations?limit=200");
      assertThat(standbyList.statusCode()).as(standbyList.body()).isEqualTo(200);
      assertThat(listedIds(standbyList)).containsExactlyInAnyOrderElementsOf(concat(ownedByFirst, ownedBySecond));
      assertThat(standbyList.headers().firstValue(HttpApi.STALE_HEADER)).contains("standby");
      // the model list: the crashed instance's outcome counts from the standby copies, said so
      HttpResponse<String> models = cluster.get(1, "/v1/models");
      assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
      assertThat(failedByVersion(models)).containsAllEntriesOf(Map.of(versions.get(0), 1, versions.get(1), 1,
          versions.get(2), 1));
      assertThat(models.headers().firstValue(HttpApi.STALE_HEADER)).contains("standby");
      // a request nobody has, of the crashed owner's partitions: the standby cannot tell "unknown"
      // from "not caught up yet", so it is no answer (503, retry) rather than a guess (404)
      HttpResponse<String> none = cluster.get(1, "/v1/generations/" + unknown);
      assertThat(none.statusCode()).as(none.body()).isEqualTo(503);
      assertThat(none.body()).contains("is unreachable").contains("no standby replica had it either (1 asked)");
      assertThat(none.headers().firstValue("Retry-After")).contains("1");
    }
  }

  /** Failed outcomes by model version, of this test's versions. */
  private static Map<String, Integer> failedByVersion(HttpResponse<String> models) throws Exception {
    Map<String, Integer> failed = new java.util.HashMap<>();
    JSON.readTree(models.body()).path("outcomesByVersion").forEach(item -> {
      if (item.path("modelVersion").asText().startsWith("standby-model-")) {
        failed.put(item.path("modelVersion").asText(), item.path("failed").asInt());
      }
    });
    return failed;
  }

  /** The listed requests of this test (the suite's broker holds other tests' requests too). */
  private static List<String> listedIds(HttpResponse<String> list) throws Exception {
    List<String> ids = new ArrayList<>();
    JSON.readTree(list.body()).path("items").forEach(item -> ids.add(item.path("requestId").asText()));
    return ids.stream().filter(id -> id.startsWith("standby-")).toList();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> out = new ArrayList<>(first);
    out.addAll(second);
    return out;
  }
}
