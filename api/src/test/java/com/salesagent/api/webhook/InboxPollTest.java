package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the inbox reads webhook_events: always while shared, alone only with a reason. */
class InboxPollTest {
  private static final long SECOND = 1_000_000_000L;
  private final InboxPoll poll = new InboxPoll();
  private final Instant t0 = Instant.parse("2026-12-02T12:00:00Z");

  @Test
  void aLoneProcessPollsAtStartThenOnlyForARetryDueAClaimOrTheSafetyNet() {
    long wall = t0.toEpochMilli();
    assertThat(poll.due(false, 0, wall, 5 * SECOND))
        .as("the first poll: what a crash left")
        .isTrue();
    assertThat(poll.due(false, 0, wall, 6 * SECOND)).isFalse();

    poll.retryAt(t0.plusSeconds(10));
    poll.retryAt(t0.plusSeconds(3));
    assertThat(poll.due(false, 0, wall + 2_000, 7 * SECOND)).isFalse();
    assertThat(poll.due(false, 0, wall + 3_000, 8 * SECOND)).as("the earlier retry").isTrue();
    assertThat(poll.due(false, 0, wall + 4_000, 9 * SECOND)).isFalse();
    assertThat(poll.due(false, 0, wall + 10_000, 10 * SECOND)).as("the later one").isTrue();
    assertThat(poll.due(false, 0, wall + 11_000, 11 * SECOND)).isFalse();

    assertThat(poll.due(false, 1, wall + 11_000, 12 * SECOND)).as("a partition claimed").isTrue();
    assertThat(poll.due(false, 1, wall + 11_000, 13 * SECOND)).isFalse();

    long net = 12 * SECOND + InboxPoll.ALONE_POLL.toNanos(); // 30 s after the last poll
    assertThat(poll.due(false, 1, wall + 11_000, net - SECOND)).isFalse();
    assertThat(poll.due(false, 1, wall + 11_000, net)).as("the safety net").isTrue();
  }

  @Test
  void sharedPartitionsArePolledEveryTime() {
    long wall = t0.toEpochMilli();
    assertThat(poll.due(true, 0, wall, SECOND)).isTrue();
    assertThat(poll.due(true, 0, wall, SECOND + 1)).isTrue();
    assertThat(poll.due(true, 0, wall, SECOND + 2)).isTrue();
  }
}
