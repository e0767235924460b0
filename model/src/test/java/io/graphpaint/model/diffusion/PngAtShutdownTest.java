package io.graphpaint.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker that gets SIGTERM finishes its running batch while the JVM shuts down, so PNG encoding
 * must work inside a shutdown hook. ImageIO's default file cache registers a hook of its own and
 * fails there ("Shutdown in progress"); {@link ImageEncoding#toPng} must not.
 */
class PngAtShutdownTest {

  /** Encodes one image in a shutdown hook and prints the result. */
  public static final class EncodeInShutdownHook {
    public static void main(String[] args) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          byte[] png = ImageEncoding.toPng(new float[3 * 4 * 4], 4, 4);
          System.out.println("encoded " + png.length + " bytes");
        } catch (RuntimeException e) {
          System.out.println("failed: " + e);
        }
      }));
    }
  }

  @Test
  void pngsEncodeWhileTheJvmShutsDown() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        EncodeInShutdownHook.class.getName()).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("encoded ").doesNotContain("failed");
  }
}
