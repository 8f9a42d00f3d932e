package com.salesagent.workflows.lead;

/**
 * {@code purpose}: first_contact, follow_up_read or follow_up_unread (another angle). The
 * idempotency key names the message document the composer writes and the send then reads; {@code
 * attempt} > 0 asks for another composition after the quality gate rejected one; {@code template}:
 * the message goes as an approved template (the LLM writes only free text); {@code readsLookedUp}:
 * the workflow looks its read receipt up in MongoDB instead of being signalled (version 1 of {@link
 * ReadReceipts#CHANGE}), which the composer stores on the message for the webhook to see; {@code
 * requestedBy}: the owner whose request this message is (a rep asked for the re-engagement
 * template), stored on the message so it is counted as a person's, not the sequence's; null for the
 * sequence's own messages.
 */
public record ComposeRequest(
    String leadId,
    String campaignId,
    String variantId,
    int step,
    String purpose,
    String idempotencyKey,
    int attempt,
    boolean template,
    boolean readsLookedUp,
    String requestedBy) {
  public ComposeRequest(
      String leadId,
      String campaignId,
      String variantId,
      int step,
      String purpose,
      String idempotencyKey,
      int attempt,
      boolean template,
      boolean readsLookedUp) {
    this(
        leadId,
        campaignId,
        variantId,
        step,
        purpose,
        idempotencyKey,
        attempt,
        template,
        readsLookedUp,
        null);
  }

  public ComposeRequest(
      String leadId,
      String campaignId,
      String variantId,
      int step,
      String purpose,
      String idempotencyKey,
      int attempt,
      boolean template) {
    this(leadId, campaignId, variantId, step, purpose, idempotencyKey, attempt, template, false);
  }
}
