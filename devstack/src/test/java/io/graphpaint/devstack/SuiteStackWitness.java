package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;

/** Records every stack the suite-scoped test classes were given; they must all be the same, still running one. */
final class SuiteStackWitness {

    private static final Set<DevStack> SEEN = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    private SuiteStackWitness() {
    }

    static void checkSharedAndRunning(DevStack stack) throws Exception {
        SEEN.add(stack);
        assertThat(SEEN).as("stacks handed to suite-scoped classes").containsExactly(stack);
        try (Admin admin = stack.kafka().createAdmin()) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
    }
}
