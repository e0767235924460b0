package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphpaint.devstack.DevStack.Part;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

@WithDevStack(parts = Part.S3)
class ClassScopedStackTest {

    private static DevStack firstSeen;

    @Test
    void classScopedStackHasOnlyTheRequestedParts(DevStack stack) {
        remember(stack);
        assertThat(stack.has(Part.S3)).isTrue();
        assertThat(stack.has(Part.KAFKA)).isFalse();
        assertThat(stack.startupMillis()).containsOnlyKeys(Part.S3);
        assertThatThrownBy(stack::kafka).isInstanceOf(IllegalStateException.class).hasMessageContaining("KAFKA is not part of this stack");
    }

    @Test
    void methodsOfTheClassShareTheStack(DevStack stack) {
        remember(stack);
    }

    @Nested
    class NestedClass {
        @Test
        void nestedClassesReuseTheEnclosingClassStack(DevStack stack) {
            remember(stack);
        }
    }

    private static synchronized void remember(DevStack stack) {
        if (firstSeen == null) {
            firstSeen = stack;
        }
        assertThat(stack).isSameAs(firstSeen);
    }
}
