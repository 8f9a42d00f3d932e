package com.salesagent.workflows.lead;

/**
 * A message a person (a sales rep, an operator) sends the lead from the dashboard, through the
 * lead's own send path (exactly once by its key, the suppression list checked right before the
 * call, the number's pacing). {@code purpose}: {@code owner_reply}, free text stored in {@code
 * messages} under {@code idempotencyKey} by the API (inside the 24 h customer-service window), or
 * {@code re_engagement}, the variant's approved re-engagement template (outside it), composed and
 * checked by the quality gate like any template. {@code ownerId} the rep, {@code by} who the
 * timeline names: the rep ("Ana Lima (ana)"), or the operator identity for a lead nobody owns.
 */
public record OwnerReply(String idempotencyKey, String purpose, String ownerId, String by) {
  public static final String TEXT = "owner_reply";

  /** The agent's drafted answer, sent without a person where the segment allows it. */
  public static final String AGENT = "agent_answer";

  public static final String TEMPLATE = "re_engagement";
}
