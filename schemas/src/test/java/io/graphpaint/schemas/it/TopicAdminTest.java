package io.graphpaint.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.devstack.DevStack;
import io.graphpaint.devstack.WithDevStack;
import io.graphpaint.schemas.Topic;
import io.graphpaint.schemas.admin.TopicAdmin;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Shares the suite's broker, where the requests topic may exist already (other tests create it). */
@WithDevStack(scope = WithDevStack.Scope.SUITE, parts = {DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY})
class TopicAdminTest {

  @Test
  void createsEveryCatalogueTopicOnceWithItsPartitionsAndCleanupPolicy(DevStack stack) throws Exception {
    try (Admin admin = stack.kafka().createAdmin()) {
      TopicAdmin topics = new TopicAdmin(admin, TopicAdmin.Settings.singleBroker().withPartitions(Topic.MODELS, 2));
      Set<String> names = Arrays.stream(Topic.values()).map(Topic::topicName).collect(Collectors.toSet());

      TopicAdmin.Outcome first = topics.ensureAllTopics();
      Set<String> mayExist = Set.of(Topic.REQUESTS.topicName());
      assertThat(first.created()).containsAll(names.stream().filter(n -> !mayExist.contains(n)).toList());
      assertThat(first.existing()).isSubsetOf(mayExist);
      for (Topic topic : Topic.values()) {
        int expected = topic == Topic.MODELS ? 2 : topic.partitions(); // the override applies at creation
        assertThat(first.partitionsByTopic()).containsEntry(topic.topicName(), expected);
      }
      Map<ConfigResource, Config> configs = admin.describeConfigs(Arrays.stream(Topic.values())
          .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.topicName())).toList()).all().get();
      for (Topic topic : Topic.values()) {
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.topicName()))
            .get("cleanup.policy").value()).as(topic.topicName()).isEqualTo(topic.cleanupPolicy().config());
      }

      TopicAdmin.Outcome second = topics.ensureAllTopics();
      assertThat(second.existing()).isEqualTo(names);
      assertThat(second.created()).isEmpty();
      assertThat(second.partitionsByTopic()).isEqualTo(first.partitionsByTopic());
      assertThat(topics.ensureTopics(List.of(Topic.REQUESTS)).existing()).containsExactly(Topic.REQUESTS.topicName());
    }
  }
}
