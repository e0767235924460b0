package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

@WithDevStack(scope = WithDevStack.Scope.SUITE)
class SuiteScopedStackATest {

    private final DevStack constructorStack;

    SuiteScopedStackATest(DevStack stack) {
        this.constructorStack = stack;
    }

    @Test
    void theWholeRunSharesOneRunningStack(DevStack stack, EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
        assertThat(stack).isSameAs(constructorStack);
        assertThat(kafka).isSameAs(stack.kafka());
        assertThat(s3).isSameAs(stack.s3());
        SuiteStackWitness.checkSharedAndRunning(stack);
        // each class leaves a topic; the shared broker must still accept both
        kafka.createTopics(List.of(new NewTopic("suite-scoped-A", 1, (short) 1)));
    }
}
