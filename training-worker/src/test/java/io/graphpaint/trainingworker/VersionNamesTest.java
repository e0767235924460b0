package io.graphpaint.trainingworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphpaint.storage.Ids;
import org.junit.jupiter.api.Test;

class VersionNamesTest {

  @Test
  void namesAreDeterministicReadableAndValidIds() {
    String version = VersionNames.modelVersion("shapes", "v3");
    assertThat(version).isEqualTo(VersionNames.modelVersion("shapes", "v3")).startsWith("shapes-v3-").hasSize(18);
    assertThat(Ids.isValid(version)).isTrue();
    assertThat(VersionNames.job("default", "shapes", "v3")).startsWith("default-shapes-v3-");
  }

  @Test
  void splitsThatReadAlikeGetDifferentNames() {
    assertThat(VersionNames.modelVersion("a-b", "c")).isNotEqualTo(VersionNames.modelVersion("a", "b-c"));
    assertThat(VersionNames.job("m", "a-b", "c")).isNotEqualTo(VersionNames.job("m-a", "b", "c"));
  }

  @Test
  void longIdsAreCutToTheIdLimit() {
    String name = VersionNames.job("m".repeat(128), "d".repeat(128), "v".repeat(128));
    assertThat(name).hasSize(Ids.MAX_LENGTH);
    assertThat(Ids.isValid(name)).isTrue();
    assertThat(name).isNotEqualTo(VersionNames.job("m".repeat(128), "d".repeat(128), "w".repeat(128)));
  }

  @Test
  void invalidIdsAreRefusedByName() {
    assertThatThrownBy(() -> VersionNames.modelVersion("bad/id", "v1"))
        .hasMessageContaining("datasetId").hasMessageContaining("'/'");
  }
}
