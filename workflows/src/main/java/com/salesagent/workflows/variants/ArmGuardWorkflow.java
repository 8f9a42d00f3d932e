package com.salesagent.workflows.variants;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/**
 * The auto-disable of losing arms, as one workflow for the whole system (id {@link #WORKFLOW_ID}):
 * a durable timer loop that runs one check per interval, whichever worker is up, never two at once,
 * and continues as new to keep its history short. Workers start it at start-up (a second start
 * finds it running) and signal a changed interval.
 */
@WorkflowInterface
public interface ArmGuardWorkflow {
  String WORKFLOW_ID = "arm-guard";

  @WorkflowMethod
  void run(ArmGuardState state);

  /** A new interval, from a worker whose configuration changed; zero or less stops the loop. */
  @SignalMethod
  void every(Duration interval);

  @QueryMethod
  ArmGuardState state();

  /** The interval, and what the checks did so far (carried over a continue-as-new). */
  record ArmGuardState(Duration interval, long checks, long armsDisabled) {}
}
