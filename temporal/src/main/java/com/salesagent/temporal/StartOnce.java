package com.salesagent.temporal;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;

/**
 * A workflow started once per id (a media id, a message's key): its id is never reused, so a
 * duplicate webhook or a retried request finds it started, or finished, and starts nothing.
 */
public final class StartOnce {
  private StartOnce() {}

  /** The options of such a workflow on the leads queue. */
  public static WorkflowOptions options(String workflowId) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.LEADS)
        .setWorkflowId(workflowId)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .build();
  }

  /** Runs the start; true when it started the workflow, false when the id was taken already. */
  public static boolean start(Runnable start) {
    try {
      start.run();
      return true;
    } catch (WorkflowExecutionAlreadyStarted e) {
      return false;
    }
  }
}
