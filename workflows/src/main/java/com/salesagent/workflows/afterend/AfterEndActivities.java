package com.salesagent.workflows.afterend;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** The MongoDB side of a person's message to a lead whose run ended. */
@ActivityInterface
public interface AfterEndActivities {
  /**
   * Records the message's fate on the lead's timeline, leaving its stage as it is (the lead's run
   * ended: it has no next action). Sent: the lead is answered, off the "wrote after the end" list
   * unless it wrote again after the message was queued. Nothing is written for a lead erased
   * meanwhile. Safe to repeat.
   */
  void recorded(AfterEndRecord record);

  /** A few MongoDB writes: retried through an outage for a day. */
  static ActivityOptions options() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setScheduleToCloseTimeout(Duration.ofDays(1))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(1))
                .setMaximumInterval(Duration.ofMinutes(1))
                .build())
        .build();
  }
}
