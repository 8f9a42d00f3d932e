package com.salesagent.workflows.lead;

/**
 * Sends the composed message stored under {@code idempotencyKey}: as the approved template when
 * {@code template}, as free text otherwise. A retried activity finds the recorded wamid and returns
 * it instead of sending again. {@code resendUnknown}: the send's earlier attempt has an unknown
 * fate and the workflow (by policy or an operator's decision) accepts sending it again.
 */
public record SendRequest(
    String leadId,
    String idempotencyKey,
    int step,
    boolean template,
    boolean useEditedText,
    boolean resendUnknown) {
  public SendRequest(
      String leadId, String idempotencyKey, int step, boolean template, boolean useEditedText) {
    this(leadId, idempotencyKey, step, template, useEditedText, false);
  }
}
