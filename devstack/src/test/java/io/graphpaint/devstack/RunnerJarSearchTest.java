package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerJarSearchTest {

    @Test
    void theNewestRegistryRunnerJarIsChosenAndOtherJarsAreIgnored(@TempDir Path dir) throws Exception {
        Path older = touch(dir.resolve("graphpaint-registry-app-0.1.0-runner.jar"), 1_000);
        Path newer = touch(dir.resolve("graphpaint-registry-app-runner.jar"), 2_000);
        touch(dir.resolve("graphpaint-registry-app-0.1.0.jar"), 3_000); // the thin jar, not runnable
        touch(dir.resolve("other-app-runner.jar"), 4_000);
        assertThat(EmbeddedSchemaRegistry.newestRunnerJar(dir)).contains(newer);
        Files.delete(newer);
        assertThat(EmbeddedSchemaRegistry.newestRunnerJar(dir)).contains(older);
        assertThat(EmbeddedSchemaRegistry.newestRunnerJar(dir.resolve("missing"))).isEmpty();
    }

    private static Path touch(Path file, long epochSecond) throws Exception {
        Files.writeString(file, "jar");
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(epochSecond)));
        return file;
    }
}
