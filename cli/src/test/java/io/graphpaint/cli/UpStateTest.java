package io.graphpaint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a running `up` tells other commands: read back while it lives, ignored once its pid is gone, private. */
class UpStateTest {

  @TempDir
  Path data;

  @Test
  void roundTripWhileTheProcessLives() throws IOException {
    UpState state = new UpState(ProcessHandle.current().pid(), URI.create("http://127.0.0.1:18080"), "127.0.0.1:19092",
        "http://127.0.0.1:18081/apis/ccompat/v7", "http://127.0.0.1:19000", "access", "secret-value");
    state.write(data);
    assertThat(UpState.read(data)).contains(state);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(UpState.FILE))))
        .as("the file holds the S3 secret").isEqualTo("rw-------");
    assertThat(state.s3Environment()).containsEntry("GRAPHPAINT_S3_SECRET_KEY", "secret-value")
        .containsEntry("GRAPHPAINT_S3_ENDPOINT", "http://127.0.0.1:19000");
    UpState.delete(data);
    assertThat(UpState.read(data)).isEmpty();
  }

  @Test
  void aFileLeftByADeadProcessIsIgnored() throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    new UpState(finished.pid(), URI.create("http://127.0.0.1:18080"), "b", "r", "http://127.0.0.1:19000", "a", "s")
        .write(data);
    assertThat(UpState.read(data)).isEmpty();
  }
}
