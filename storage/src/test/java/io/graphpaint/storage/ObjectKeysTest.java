package io.graphpaint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

    @Test
    void buildsTheDesignedLayout() {
        assertThat(ObjectKeys.image("req-42", 0)).isEqualTo("images/req-42/0.png");
        assertThat(ObjectKeys.image("req-42", 7)).isEqualTo("images/req-42/7.png");
        assertThat(ObjectKeys.imagesPrefix("req-42")).isEqualTo("images/req-42/");
        assertThat(ObjectKeys.modelVersionPrefix("sg-diffusion", "v3")).isEqualTo("models/sg-diffusion/v3/");
        assertThat(ObjectKeys.modelFile("sg-diffusion", "v3", "weights/unet.safetensors"))
                .isEqualTo("models/sg-diffusion/v3/weights/unet.safetensors");
        assertThat(ObjectKeys.datasetFile("shapes", "2026-11-26", "manifest.json"))
                .isEqualTo("datasets/shapes/2026-11-26/manifest.json");
        assertThat(ObjectKeys.checkpointFile("stage2", 1500, "model.json"))
                .isEqualTo("checkpoints/stage2/0000001500/model.json");
    }

    @Test
    void checkpointStepsSortLikeNumbersAndParseBack() {
        List<String> prefixes = new ArrayList<>();
        for (long step : new long[] {9, 10, 100, 2, 1_000_000}) {
            prefixes.add(ObjectKeys.checkpointPrefix("job", step));
        }
        List<String> sorted = new ArrayList<>(prefixes);
        sorted.sort(null);
        assertThat(sorted).extracting(p -> ObjectKeys.checkpointStep("job", p))
                .containsExactly(2L, 9L, 10L, 100L, 1_000_000L);
        assertThat(ObjectKeys.checkpointStep("job", "checkpoints/job/0000000042/model.json")).isEqualTo(42L);
        assertThatThrownBy(() -> ObjectKeys.checkpointStep("job", "checkpoints/other/0000000042/"))
                .hasMessageContaining("not under checkpoints/job/");
        assertThatThrownBy(() -> ObjectKeys.checkpointPrefix("job", -1))
                .hasMessageContaining("must be within [0, 9999999999]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "..", ".", ""})
    void refusesBadRequestIdsBeforeAKeyExists(String requestId) {
        assertThatThrownBy(() -> ObjectKeys.image(requestId, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid requestId")
                .hasMessageContaining(Ids.RULE);
    }

    @Test
    void refusesA129CharacterRequestIdAndANegativeIndex() {
        assertThatThrownBy(() -> ObjectKeys.image("r".repeat(129), 0))
                .hasMessageContaining("requestId").hasMessageContaining("129 characters");
        assertThatThrownBy(() -> ObjectKeys.image("req", -1))
                .hasMessageContaining("image index -1").hasMessageContaining(">= 0");
    }

    @Test
    void namesTheFieldThatIsWrong() {
        assertThatThrownBy(() -> ObjectKeys.modelFile("m", "v/1", "f"))
                .hasMessageStartingWith("Invalid modelVersion 'v/1'");
        assertThatThrownBy(() -> ObjectKeys.modelFile("..", "v1", "f"))
                .hasMessageStartingWith("Invalid modelName '..'");
        assertThatThrownBy(() -> ObjectKeys.datasetFile("d", "v1", "../../etc/passwd"))
                .hasMessageStartingWith("Invalid file name '../../etc/passwd'");
        assertThatThrownBy(() -> ObjectKeys.datasetPrefix("a b"))
                .hasMessageStartingWith("Invalid datasetId 'a b'");
        assertThatThrownBy(() -> ObjectKeys.checkpointPrefix("", 1))
                .hasMessageStartingWith("Invalid job ''");
    }
}
