package com.salesagent.api.leads;

import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.afterend.AfterEndMessage;
import com.salesagent.workflows.afterend.AfterEndMessageWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;

/**
 * Starts the workflow that sends a person's message to a lead whose run ended ({@link
 * AfterEndMessageWorkflow}), once per message: its id is the message's key, never reused, so a
 * request sent again (or a retry after Temporal was unreachable) starts nothing more.
 */
interface AfterEndMessages {
  void start(AfterEndMessage message);

  static AfterEndMessages temporal(WorkflowClient client) {
    return message -> {
      AfterEndMessageWorkflow workflow =
          client.newWorkflowStub(
              AfterEndMessageWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(TaskQueues.LEADS)
                  .setWorkflowId(AfterEndMessageWorkflow.workflowId(message.idempotencyKey()))
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                  .build());
      try {
        WorkflowClient.start(workflow::send, message);
      } catch (WorkflowExecutionAlreadyStarted e) {
        // The same message queued again: it is on its way, or went.
      }
    };
  }
}
