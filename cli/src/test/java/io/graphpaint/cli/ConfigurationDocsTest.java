package io.graphpaint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from the ConfigDefs: it must be exactly what the code declares. */
class ConfigurationDocsTest {

  private static final String REGENERATE = "./graphpaint config-docs --out docs/configuration.md";

  @Test
  void committedReferenceMatchesTheDeclarations() throws IOException {
    Path file = RepositoryRoot.find().resolve("docs").resolve("configuration.md");
    assertThat(file).as("docs/configuration.md is missing; generate it with `" + REGENERATE + "`").exists();
    String committed = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(committed)
        .as("docs/configuration.md differs from the ConfigDef declarations; regenerate it with `" + REGENERATE + "`")
        .isEqualTo(ConfigReference.markdown());
  }

  @Test
  void everyDeclaredKeyAndEveryObjectStoreVariableIsDocumented() {
    String markdown = ConfigReference.markdown();
    for (ConfigReference.Service service : ConfigReference.services()) {
      for (ConfigDef.ConfigKey key : service.definition().configKeys().values()) {
        assertThat(markdown).contains("| `" + key.name + "` | `" + service.environmentName(key.name) + "` |");
      }
    }
    List<String> names = ConfigReference.objectStoreEnvironment();
    assertThat(names).contains("GRAPHPAINT_S3_ENDPOINT", "GRAPHPAINT_S3_SECRET_KEY_FILE");
    assertThat(ConfigReference.OBJECT_STORE_DOCS.keySet()).containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void defaultsDoNotLeakThisMachinesPaths() {
    String markdown = ConfigReference.markdown();
    assertThat(markdown).doesNotContain(System.getProperty("java.io.tmpdir") + "/")
        .contains("${java.io.tmpdir}/graphpaint-orchestrator");
  }
}
