package io.graphpaint.trainingworker;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.TrainingState;
import io.graphpaint.events.TrainingStatus;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.schemas.Topic;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Two workers in one group share the datasets by partition (key = datasetId): each trains some of
 * them, one job at a time. Scaled down: 4 steps per job, 2 validation graphs at 2 DDIM steps.
 */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class TwoWorkersTest {

  @Test
  void datasetsAreSharedAndEachWorkerTrainsOneAtATime(DevStack stack) throws Exception {
    int partitions = Topic.DATASET_UPDATES.partitions();
    List<String> datasets = new ArrayList<>();
    Set<Integer> covered = new java.util.HashSet<>();
    for (int i = 0; covered.size() < partitions; i++) {
      String id = "pair-" + i;
      if (covered.add(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions)) {
        datasets.add(id); // one dataset per partition
      }
    }
    try (TrainingFixture fixture = new TrainingFixture(stack);
        TrainingFixture.TopicReader<TrainingStatus> statuses = fixture.reader(Topic.TRAINING)) {
      String manifest = fixture.writeShapesDataset("pair-data", "v1", 41, 8, 2);
      List<TrainingWorker> workers = new ArrayList<>();
      for (String id : List.of("pair-worker-1", "pair-worker-2")) {
        Map<String, Object> props = fixture.workerProperties(id, 4);
        props.put(TrainingWorkerConfig.GROUP_ID, "pair-group");
        props.put(TrainingWorkerConfig.EVAL_SAMPLES, "2");
        props.put(TrainingWorkerConfig.EVAL_STEPS, "2");
        TrainingWorker worker = new TrainingWorker(TrainingWorkerConfig.from(props, Map.of()), fixture.store,
            fixture.registry, new TrainingMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
        worker.start();
        workers.add(worker);
      }
      try {
        statuses.drain(Duration.ofSeconds(8)); // both members in the group before the updates arrive
        for (String dataset : datasets) {
          fixture.send("pair", dataset, "v1", manifest, DatasetFormat.SYNTHETIC_SHAPES, UnknownLabelPolicy.REJECT);
        }
        for (String dataset : datasets) {
          statuses.await(TrainingFixture.state(dataset, "v1", TrainingState.PUBLISHED), Duration.ofMinutes(5));
        }
      } finally {
        workers.forEach(TrainingWorker::shutdown);
      }
      List<TrainingStatus> all = statuses.values();
      Map<String, String> publishedBy = all.stream()
          .filter(s -> s.getState() == TrainingState.PUBLISHED && datasets.contains(s.getDatasetId()))
          .collect(Collectors.toMap(TrainingStatus::getDatasetId, TrainingStatus::getWorkerId, (a, b) -> a));
      assertThat(publishedBy.keySet()).containsExactlyInAnyOrderElementsOf(datasets);
      assertThat(publishedBy.values()).contains("pair-worker-1", "pair-worker-2");
      // per worker, the spans from a job's first RUNNING to its PUBLISHED never overlap
      for (String worker : List.of("pair-worker-1", "pair-worker-2")) {
        Map<String, Instant[]> spans = new LinkedHashMap<>();
        for (TrainingStatus s : all) {
          if (!s.getWorkerId().equals(worker) || !datasets.contains(s.getDatasetId())) {
            continue;
          }
          if (s.getState() == TrainingState.RUNNING) {
            spans.computeIfAbsent(s.getDatasetId(), d -> new Instant[] {s.getAt(), null});
            Instant[] span = spans.get(s.getDatasetId());
            if (s.getAt().isBefore(span[0])) {
              span[0] = s.getAt();
            }
          } else if (s.getState() == TrainingState.PUBLISHED && spans.containsKey(s.getDatasetId())) {
            spans.get(s.getDatasetId())[1] = s.getAt();
          }
        }
        List<Instant[]> sorted = spans.values().stream().filter(span -> span[1] != null)
            .sorted((a, b) -> a[0].compareTo(b[0])).toList();
        assertThat(sorted).isNotEmpty();
        for (int i = 1; i < sorted.size(); i++) {
          assertThat(sorted.get(i)[0]).as("%s starts a job only after the previous one ended", worker)
              .isAfterOrEqualTo(sorted.get(i - 1)[1]);
        }
      }
    }
  }
}
