package io.graphpaint.schemas.admin;

import io.graphpaint.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates graphpaint's topics ({@link Topic}) idempotently: missing topics are created with the
 * catalogue's partitions and clean-up policy, existing ones are left alone and reported (a topic
 * with fewer partitions than the catalogue asks is reported, not altered: repartitioning moves keys
 * between partitions and is an operator's decision).
 *
 * <p>Used by services at start-up and by tests; the caller owns the {@link Admin}.
 */
public final class TopicAdmin {

  /** What {@link #ensureTopics} found and did, per topic name. */
  public record Outcome(Map<String, Status> statusByTopic, Map<String, Integer> partitionsByTopic) {
    public Outcome {
      statusByTopic = Map.copyOf(statusByTopic);
      partitionsByTopic = Map.copyOf(partitionsByTopic);
    }

    public Set<String> created() {
      return names(Status.CREATED);
    }

    public Set<String> existing() {
      return names(Status.EXISTED);
    }

    private Set<String> names(Status status) {
      return Set.copyOf(statusByTopic.entrySet().stream().filter(e -> e.getValue() == status)
          .map(Map.Entry::getKey).toList());
    }
  }

  public enum Status {
    CREATED,
    EXISTED
  }

  /** How to create topics: replication factor and per-topic overrides. */
  public record Settings(short replicationFactor, Map<Topic, Integer> partitionOverrides,
      Map<String, String> extraTopicConfig, Duration timeout) {
    public Settings {
      if (replicationFactor < 1) {
        throw new IllegalArgumentException("replicationFactor must be >= 1, was " + replicationFactor);
      }
      partitionOverrides = Map.copyOf(partitionOverrides);
      partitionOverrides.forEach((topic, partitions) -> {
        if (partitions < 1) {
          throw new IllegalArgumentException("partitions of " + topic.topicName() + " must be >= 1, was " + partitions);
        }
      });
      extraTopicConfig = Map.copyOf(extraTopicConfig);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
    }

    /** Replication factor 1 (a single broker), catalogue partitions, 30 s. */
    public static Settings singleBroker() {
      return new Settings((short) 1, Map.of(), Map.of(), Duration.ofSeconds(30));
    }

    /** Production shape: replication factor 3 and {@code min.insync.replicas=2}. */
    public static Settings replicated() {
      return new Settings((short) 3, Map.of(), Map.of("min.insync.replicas", "2"), Duration.ofSeconds(30));
    }

    public Settings withReplicationFactor(int factor) {
      return new Settings((short) factor, partitionOverrides, extraTopicConfig, timeout);
    }

    public Settings withPartitions(Topic topic, int partitions) {
      Map<Topic, Integer> overrides = new HashMap<>(partitionOverrides);
      overrides.put(topic, partitions);
      return new Settings(replicationFactor, overrides, extraTopicConfig, timeout);
    }

    int partitions(Topic topic) {
      return partitionOverrides.getOrDefault(topic, topic.partitions());
    }
  }

  private final Admin admin;
  private final Settings settings;

  public TopicAdmin(Admin admin, Settings settings) {
    this.admin = admin;
    this.settings = settings;
  }

  /** Every topic of the catalogue. */
  public Outcome ensureAllTopics() {
    return ensureTopics(Arrays.asList(Topic.values()));
  }

  /** Creates those of {@code topics} that do not exist yet and waits until all are described. */
  public Outcome ensureTopics(Collection<Topic> topics) {
    Map<String, Status> status = new LinkedHashMap<>();
    List<NewTopic> requests = new ArrayList<>();
    for (Topic topic : topics) {
      Map<String, String> config = new HashMap<>(topic.topicConfig());
      config.putAll(settings.extraTopicConfig());
      requests.add(new NewTopic(topic.topicName(), settings.partitions(topic), settings.replicationFactor())
          .configs(config));
    }
    long timeoutMs = settings.timeout().toMillis();
    Map<String, KafkaFuture<Void>> results =
        admin.createTopics(requests, new CreateTopicsOptions().timeoutMs((int) timeoutMs)).values();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      try {
        result.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
        status.put(result.getKey(), Status.CREATED);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          status.put(result.getKey(), Status.EXISTED);
        } else {
          throw new IllegalStateException("Cannot create topic " + result.getKey() + ": " + e.getCause(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("Creating topic " + result.getKey() + " took longer than " + settings.timeout(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while creating topics", e);
      }
    }
    return new Outcome(status, describeWithRetry(status.keySet(), timeoutMs));
  }

  /** Partition counts; retried because metadata may lag just after creation. */
  private Map<String, Integer> describeWithRetry(Set<String> names, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(names).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<String, Integer> partitions = new HashMap<>();
        descriptions.forEach((name, description) -> partitions.put(name, description.partitions().size()));
        return partitions;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw new IllegalStateException("Cannot describe topics " + names + ": " + e.getCause(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("Describing topics " + names + " took longer than " + settings.timeout(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while describing topics", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while describing topics", e);
      }
    }
  }
}
