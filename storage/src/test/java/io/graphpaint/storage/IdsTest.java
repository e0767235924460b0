package io.graphpaint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "req-1", "A.b_c-9", "...", ".hidden", "v1.0.0", "x..y"})
    void acceptsIdsOfTheAllowedAlphabet(String id) {
        assertThat(Ids.requireValid("requestId", id)).isEqualTo(id);
        assertThat(Ids.isValid(id)).isTrue();
    }

    @Test
    void acceptsExactly128CharactersAndRefuses129() {
        String max = "a".repeat(128);
        assertThat(Ids.isValid(max)).isTrue();
        assertThatThrownBy(() -> Ids.requireValid("requestId", max + "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestId")
                .hasMessageContaining("129 characters long, at most 128")
                .hasMessageContaining(Ids.RULE)
                // long values are cut in the message
                .hasMessageContaining("... (129 characters)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "..", ".", "a\\b", "a b", "é", "a\u0000b", "a:b", "/abs"})
    void refusesAnythingElseNamingTheIdAndTheRule(String id) {
        assertThat(Ids.isValid(id)).isFalse();
        assertThatThrownBy(() -> Ids.requireValid("modelName", id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid modelName '")
                .hasMessageContaining(Ids.RULE);
    }

    @Test
    void explainsWhichCharacterIsWrong() {
        assertThatThrownBy(() -> Ids.requireValid("requestId", "a/b"))
                .hasMessageContaining("the character '/' at index 1");
        assertThatThrownBy(() -> Ids.requireValid("requestId", "ab\nc"))
                .hasMessageContaining("U+000A at index 2")
                // control characters are escaped, never echoed raw into logs
                .hasMessageContaining("ab\\u000ac")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> Ids.requireValid("requestId", ".."))
                .hasMessageContaining("relative directory name");
        assertThatThrownBy(() -> Ids.requireValid("requestId", ""))
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> Ids.requireValid("requestId", null))
                .hasMessageContaining("is missing");
    }

    @Test
    void relativePathsAreIdsJoinedBySlashes() {
        assertThat(Ids.requireValidRelativePath("file", "weights/unet.safetensors")).isEqualTo("weights/unet.safetensors");
        assertThat(Ids.requireValidRelativePath("file", "model.json")).isEqualTo("model.json");
        for (String bad : new String[] {"", "/a", "a/", "a//b", "a/../b", "../a", "./a", "a/.", "a\\b"}) {
            assertThatThrownBy(() -> Ids.requireValidRelativePath("file", bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Ids.RULE);
        }
    }
}
