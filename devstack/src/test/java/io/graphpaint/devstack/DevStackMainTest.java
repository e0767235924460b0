package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.graphpaint.devstack.DevStack.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackMainTest {

    @Test
    void optionsWinOverEnvironmentAndDefaultsFillTheRest() {
        DevStackMain.Options options = DevStackMain.Options.parse(
                new String[] {"--kafka-port", "19092", "--parts", "kafka,s3", "--exit-after-start"},
                Map.of("GRAPHPAINT_KAFKA_PORT", "29092", "GRAPHPAINT_S3_PORT", "0", "GRAPHPAINT_DEVSTACK_DATA_DIR", "stack-data"));
        DevStack.Config config = options.config();
        assertThat(config.kafkaPort()).isEqualTo(19092);
        assertThat(config.s3Port()).isZero();
        assertThat(config.kafkaControllerPort()).isEqualTo(DevStackMain.DEFAULT_KAFKA_CONTROLLER_PORT);
        assertThat(config.schemaRegistryPort()).isEqualTo(DevStackMain.DEFAULT_REGISTRY_PORT);
        assertThat(config.dataDir()).isEqualTo(Path.of("stack-data"));
        assertThat(config.parts()).containsExactlyInAnyOrder(Part.KAFKA, Part.S3);
        assertThat(options.exitAfterStart()).isTrue();
    }

    @Test
    void badOptionsNameTheOptionAndWhatIsAllowed() {
        assertThatThrownBy(() -> DevStackMain.Options.parse(new String[] {"--kafka-port", "ninety"}, Map.of()))
                .hasMessageContaining("--kafka-port must be a port number within [0, 65535]");
        assertThatThrownBy(() -> DevStackMain.Options.parse(new String[] {"--parts", "kafka,zookeeper"}, Map.of()))
                .hasMessageContaining("unknown part 'zookeeper'; allowed: kafka, schema-registry, s3");
        assertThatThrownBy(() -> DevStackMain.Options.parse(new String[] {"--frobnicate"}, Map.of()))
                .hasMessageContaining("unknown option --frobnicate");
        assertThatThrownBy(() -> DevStackMain.Options.parse(new String[] {"--s3-port"}, Map.of()))
                .hasMessageContaining("--s3-port needs a value");
    }

    @Test
    void runPrintsTheEndpointsOfTheStartedParts(@TempDir Path dataDir) throws Exception {
        DevStackMain.Options options = DevStackMain.Options.parse(new String[] {
                "--data-dir", dataDir.toString(), "--parts", "kafka,s3", "--kafka-port", "0", "--kafka-controller-port", "0",
                "--s3-port", "0", "--s3-access-key", "dev", "--s3-secret-key", "dev-secret", "--exit-after-start"}, Map.of());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DevStackMain.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).containsPattern("bootstrap\\.servers=127\\.0\\.0\\.1:\\d+")
                .containsPattern("endpoint=http://127\\.0\\.0\\.1:\\d+")
                .contains("access key=dev", "secret key=dev-secret")
                .doesNotContain("schema.registry.url");
    }
}
