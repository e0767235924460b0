package io.graphpaint.orchestrator.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Runs {@link StatusQueryBench} when asked: {@code -Dgraphpaint.bench=true}. */
@EnabledIfSystemProperty(named = "graphpaint.bench", matches = "true")
class StatusQueryBenchTest {

  @Test
  void bench() throws Exception {
    StatusQueryBench.run(Integer.getInteger("graphpaint.bench.seconds", 10),
        Integer.getInteger("graphpaint.bench.readers", 200),
        Integer.getInteger("graphpaint.bench.submissions", 200));
  }
}
