package io.graphpaint.storage.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class ObjectStoreLatencyTest {

    @Test
    void nearestRankPercentilesOfShuffledSamples() {
        List<Long> millis = new ArrayList<>();
        for (long ms = 1; ms <= 200; ms++) {
            millis.add(ms);
        }
        Collections.shuffle(millis, new java.util.Random(1));
        long[] nanos = millis.stream().mapToLong(ms -> ms * 1_000_000L).toArray();
        ObjectStoreLatency.Summary summary = ObjectStoreLatency.Summary.of("PUT", nanos);
        assertThat(summary.p50()).isEqualTo(100.0);
        assertThat(summary.p90()).isEqualTo(180.0);
        assertThat(summary.p99()).isEqualTo(198.0);
        assertThat(summary.max()).isEqualTo(200.0);
        assertThat(summary.mean()).isCloseTo(100.5, within(1e-9));
        assertThat(summary.perSecond()).isCloseTo(1000 / 100.5, within(1e-9));
    }

    @Test
    void optionsNameTheBadValue() {
        assertThatThrownBy(() -> new ObjectStoreLatency.Options(0, 1, 1)).hasMessageContaining("objectBytes 0");
        assertThatThrownBy(() -> new ObjectStoreLatency.Options(10, -1, 1)).hasMessageContaining("warmup -1");
        assertThatThrownBy(() -> new ObjectStoreLatency.Options(10, 1, 0)).hasMessageContaining("measured 0");
    }
}
