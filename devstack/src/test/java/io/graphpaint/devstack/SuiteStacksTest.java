package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import io.graphpaint.devstack.DevStack.Part;
import org.junit.jupiter.api.Test;

class SuiteStacksTest {

    @Test
    void aRunningStackServesEveryRequestForASubsetOfItsPartsAndCloseStopsIt() {
        DevStackExtension.SuiteStacks stacks = new DevStackExtension.SuiteStacks();
        DevStack full;
        try {
            full = stacks.stackWith(Set.of(Part.KAFKA, Part.S3));
            assertThat(stacks.stackWith(Set.of(Part.S3))).isSameAs(full);
            assertThat(stacks.stackWith(Set.of(Part.KAFKA))).isSameAs(full);
            assertThat(stacks.stackWith(Set.of(Part.S3, Part.KAFKA))).isSameAs(full);
        } finally {
            stacks.close();
        }
        // closed with the run: the broker no longer accepts connections
        assertThat(LoopbackProbe.isListening(full.kafka().port())).isFalse();
    }
}
