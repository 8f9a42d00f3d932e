package com.salesagent.workflows.afterend;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One per person's message to a lead whose run had ended (a converted customer asks about an
 * invoice, a stopped lead writes back): the lead's own workflow is over and must stay so (no
 * follow-ups, no new sequence), but the answer goes through the same send path, exactly once by its
 * key. {@link #workflowId} is the message's key, which names no person: a request sent again finds
 * it started and starts nothing.
 */
@WorkflowInterface
public interface AfterEndMessageWorkflow {
  /**
   * Sends the message; answers what became of it: {@code sent}, {@code failed}, {@code unknown}.
   */
  @WorkflowMethod
  String send(AfterEndMessage message);

  static String workflowId(String idempotencyKey) {
    return idempotencyKey;
  }
}
