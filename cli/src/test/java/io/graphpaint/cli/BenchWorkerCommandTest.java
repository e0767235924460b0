package io.graphpaint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.cli.bench.WorkerBench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code graphpaint bench worker}: its options parse into checked settings; wrong ones fail in one line, exit 2. */
class BenchWorkerCommandTest {

  @TempDir
  Path temp;

  private record Run(int exitCode, String out, List<String> errLines) {}

  private static Run run(String... args) {
    CommandLine commandLine = Graphpaint.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString().lines().toList());
  }

  private static WorkerBench.Options parse(String... args) {
    BenchCommand.Worker command = new BenchCommand.Worker();
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  @Test
  void isListedUnderBenchWithItsOptions() {
    Run help = run("bench", "worker", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: graphpaint bench worker")
        .contains("--model", "--steps", "--latency", "--burst", "--soak", "--kafka", "--phases", "--batch-mode",
            "--rounds");
    assertThat(run("bench", "--help").out()).containsPattern("(?m)^  worker\\s");
  }

  @Test
  void defaultsServeTheShippedModelWithEveryPhaseAndBothUNetModes() {
    WorkerBench.Options options = parse();
    assertThat(options.model()).isEqualTo(Home.defaultModel());
    assertThat(options.model().resolve("model.json")).isRegularFile();
    assertThat(options.steps()).isEqualTo(8);
    assertThat(options.burstRounds()).isEqualTo(1);
    assertThat(options.phases()).isEqualTo(EnumSet.allOf(WorkerBench.Phase.class));
    assertThat(options.batchMode()).isEqualTo(WorkerBench.BatchMode.BOTH);
  }

  @Test
  void givenValuesArrive() {
    WorkerBench.Options options = parse("--latency", "10", "--burst", "16", "--soak", "40", "--kafka", "300",
        "--steps", "4", "--phases", "burst,SOAK", "--batch-mode", "whole", "--rounds", "3");
    assertThat(options.latencyRequests()).isEqualTo(10);
    assertThat(options.burstRequests()).isEqualTo(16);
    assertThat(options.soakRequests()).isEqualTo(40);
    assertThat(options.kafkaRecords()).isEqualTo(300);
    assertThat(options.steps()).isEqualTo(4);
    assertThat(options.burstRounds()).isEqualTo(3);
    assertThat(options.phases()).containsExactlyInAnyOrder(WorkerBench.Phase.BURST, WorkerBench.Phase.SOAK);
    assertThat(options.batchMode()).isEqualTo(WorkerBench.BatchMode.WHOLE);
  }

  @Test
  void wrongArgumentsAreOneLineNamingTheFlagAndWhatIsAllowed() {
    assertError(new String[] {"bench", "worker", "--batch-mode", "sometimes"},
        "graphpaint bench worker: --batch-mode must be per-image, whole or both, got 'sometimes'");
    assertError(new String[] {"bench", "worker", "--phases", "latency,warmup"},
        "graphpaint bench worker: --phases must be among latency, burst, soak, got 'warmup'");
    assertError(new String[] {"bench", "worker", "--steps", "0"},
        "graphpaint bench worker: --steps must be within [1, 250], got 0");
    assertError(new String[] {"bench", "worker", "--burst", "0"},
        "graphpaint bench worker: --burst must be >= 1, got 0");
    assertError(new String[] {"bench", "worker", "--rounds", "-1"},
        "graphpaint bench worker: --rounds must be >= 1, got -1");
    assertError(new String[] {"bench", "worker", "--model", temp.toString()},
        "graphpaint bench worker: --model " + temp + " holds no model.json: give a model directory (model.json + weights)");
    Run notNumber = run("bench", "worker", "--soak", "many");
    assertThat(notNumber.exitCode()).isEqualTo(2);
    assertThat(notNumber.errLines()).singleElement().asString()
        .startsWith("graphpaint bench worker: Invalid value for option '--soak': 'many' is not an int");
  }

  private static void assertError(String[] args, String line) {
    Run run = run(args);
    assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
    assertThat(run.errLines()).as(String.join(" ", args)).containsExactly(line);
  }
}
