package com.salesagent.api.leads;

import com.salesagent.temporal.StartOnce;
import com.salesagent.workflows.afterend.AfterEndMessage;
import com.salesagent.workflows.afterend.AfterEndMessageWorkflow;
import io.temporal.client.WorkflowClient;

/**
 * Starts the workflow that sends a person's message to a lead whose run ended ({@link
 * AfterEndMessageWorkflow}), once per message: its id is the message's key, never reused, so a
 * request sent again (or a retry after Temporal was unreachable) starts nothing more.
 */
interface AfterEndMessages {
  void start(AfterEndMessage message);

  static AfterEndMessages temporal(WorkflowClient client) {
    return message -> {
      // The same message queued again: it is on its way, or went.
      AfterEndMessageWorkflow workflow =
          client.newWorkflowStub(
              AfterEndMessageWorkflow.class,
              StartOnce.options(AfterEndMessageWorkflow.workflowId(message.idempotencyKey())));
      StartOnce.start(() -> WorkflowClient.start(workflow::send, message));
    };
  }
}
