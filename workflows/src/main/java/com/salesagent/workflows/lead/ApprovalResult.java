package com.salesagent.workflows.lead;

/**
 * What the workflow did with a decision. {@code outcome} says what happens to the held message:
 * {@link #SEND} (approved or edited: it goes out in the lead's send window), {@link #RECOMPOSE}
 * (approved or edited, but its variant was switched off while it waited: its text never goes out,
 * the lead's message is composed again on another variant and may be held again), {@link #STOP}
 * (rejected: the lead stops). Null from a worker older than the field.
 */
public record ApprovalResult(
    String idempotencyKey, String decision, String approver, String outcome) {
  public static final String SEND = "send";
  public static final String RECOMPOSE = "recompose";
  public static final String STOP = "stop";
}
