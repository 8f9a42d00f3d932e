package com.salesagent.workflows.variants;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class ArmGuardWorkflowImpl implements ArmGuardWorkflow {
  /** Checks per run before continuing as new (about 8 history events each). */
  static final int CHECKS_PER_RUN = 100;

  // A failed check is skipped, not retried for long: the next interval runs another.
  private final VariantActivities variants =
      Workflow.newActivityStub(
          VariantActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  private Duration interval;
  private long checks;
  private long armsDisabled;

  @Override
  public void run(ArmGuardState state) {
    interval = state.interval();
    checks = state.checks();
    armsDisabled = state.armsDisabled();
    for (int i = 0; i < CHECKS_PER_RUN; i++) {
      if (stopped()) {
        return;
      }
      Duration waiting = interval;
      // Wakes early when a worker signals another interval: the new one applies from now.
      Workflow.await(waiting, () -> stopped() || !interval.equals(waiting));
      if (stopped() || !interval.equals(waiting)) {
        continue;
      }
      try {
        armsDisabled += variants.checkArms();
      } catch (ActivityFailure e) {
        // MongoDB away: this interval's check is skipped; the next one runs.
      }
      checks++;
    }
    Workflow.continueAsNew(new ArmGuardState(interval, checks, armsDisabled));
  }

  private boolean stopped() {
    return interval == null || interval.isZero() || interval.isNegative();
  }

  @Override
  public void every(Duration interval) {
    this.interval = interval;
  }

  @Override
  public ArmGuardState state() {
    return new ArmGuardState(interval, checks, armsDisabled);
  }
}
