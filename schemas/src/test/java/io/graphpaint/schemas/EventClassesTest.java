package io.graphpaint.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.SceneGraph;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class EventClassesTest {

  @Test
  void trustsExactlyTheEventsPackage() {
    assertThat(ClassSecurityValidator.DEFAULT.isTrusted(GenerationRequest.class))
        .as("Avro's default refuses generated classes: the reason trust() exists").isFalse();

    EventClasses.trust();
    EventClasses.trust(); // idempotent

    ClassSecurityValidator.ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();
    assertThat(global.isTrusted(GenerationRequest.class)).isTrue();
    assertThat(global.isTrusted(SceneGraph.class)).isTrue();
    assertThat(global.isTrusted(Topic.class)).as("other graphpaint packages stay untrusted").isFalse();
    assertThat(global.isTrusted(java.net.URLClassLoader.class)).isFalse();
    assertThat(global.isTrusted(String.class)).as("Avro's defaults are kept").isTrue();
  }
}
