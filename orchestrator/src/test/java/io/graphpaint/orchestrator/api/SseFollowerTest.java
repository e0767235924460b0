package io.graphpaint.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphpaint.orchestrator.status.RequestState;
import io.graphpaint.orchestrator.status.StatusClasses;
import io.graphpaint.orchestrator.status.RequestStatus;
import org.junit.jupiter.api.Test;

/** Which standby reads an event stream may send: none older than what it has sent. */
class SseFollowerTest {

  static {
    StatusClasses.trust();
  }

  private static RequestStatus status(RequestState state, long updatedAt, int step) {
    return RequestStatus.newBuilder().setRequestId("r").setState(state).setFirstSeenAt(1L).setUpdatedAt(updatedAt)
        .setStep(step).setTotalSteps(50).build();
  }

  @Test
  void aStandbyStatusOlderThanTheSentOneIsBehindAndANewerOrTerminalOneIsNot() {
    RequestStatus sent = status(RequestState.RUNNING, 200, 20);
    assertThat(SseFollower.behind(status(RequestState.SUBMITTED, 100, 0), null)).as("nothing sent yet").isFalse();
    assertThat(SseFollower.behind(status(RequestState.SUBMITTED, 100, 0), sent)).isTrue();
    assertThat(SseFollower.behind(status(RequestState.RUNNING, 200, 10), sent)).as("same time, fewer steps").isTrue();
    assertThat(SseFollower.behind(status(RequestState.RUNNING, 200, 20), sent)).as("the same").isFalse();
    assertThat(SseFollower.behind(status(RequestState.RUNNING, 300, 30), sent)).isFalse();
    assertThat(SseFollower.behind(status(RequestState.COMPLETED, 150, 50), sent)).as("an end is never behind").isFalse();
    assertThat(SseFollower.behind(status(RequestState.RUNNING, 300, 30), status(RequestState.CANCELLED, 250, 20)))
        .as("nothing after an end").isTrue();
  }
}
