package com.salesagent.workflows.afterend;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One per message from a lead whose run had ended and that a person should answer (a question, an
 * objection, interest): the agent drafts an answer from the knowledge base, held for the person on
 * the lead page, as a live lead's run drafts one; never sent on its own (the lead's run is over, so
 * no auto-send). {@link #workflowId}: Meta's message id, which names no person; a duplicate webhook
 * finds it started.
 */
@WorkflowInterface
public interface AfterEndDraftWorkflow {
  @WorkflowMethod
  void draft(AfterEndDraft request);

  static String workflowId(String messageId) {
    return "after-end-draft-" + messageId;
  }
}
