package io.graphpaint.model.train;

import java.time.Duration;
import java.util.Map;

/**
 * Where a stage is, reported after each step.
 *
 * @param stage stage name, e.g. {@code 1-align}
 * @param step steps done so far (1-based after the first step)
 * @param totalSteps steps the stage will run
 * @param losses this step's named scalar losses
 * @param millisPerStep mean wall time per step since the (re)start
 * @param samplesPerSecond training samples per second since the (re)start
 * @param remaining estimated time to the end of the stage
 * @param skippedSteps updates skipped so far for non-finite gradients
 */
public record TrainingProgress(
    String stage,
    long step,
    long totalSteps,
    Map<String, Float> losses,
    double millisPerStep,
    double samplesPerSecond,
    Duration remaining,
    long skippedSteps) {

  /** One console line: {@code [1-align] step 120/2000 loss=0.4123 clip=0.2 | 310 ms/step, 103 samples/s, ETA 9m42s}. */
  public String toLine() {
    StringBuilder line = new StringBuilder();
    line.append('[').append(stage).append("] step ").append(step).append('/').append(totalSteps);
    losses.forEach((name, value) -> line.append(' ').append(name).append('=').append(String.format("%.5f", value)));
    line.append(String.format(" | %.0f ms/step, %.1f samples/s, ETA %s", millisPerStep, samplesPerSecond, format(remaining)));
    if (skippedSteps > 0) {
      line.append(", skipped ").append(skippedSteps);
    }
    return line.toString();
  }

  private static String format(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds >= 3600) {
      return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }
    return String.format("%dm%02ds", seconds / 60, seconds % 60);
  }
}
