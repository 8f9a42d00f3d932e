package com.salesagent.workflows.lead;

/**
 * A reviewer's answer to a held message: approve, edit (the edited text is stored in MongoDB by the
 * API before this update) or reject. {@code idempotencyKey} names the message decided on.
 */
public record ApprovalDecision(String idempotencyKey, String decision, String approver) {
  public static final String APPROVE = "approve";
  public static final String EDIT = "edit";
  public static final String REJECT = "reject";
}
