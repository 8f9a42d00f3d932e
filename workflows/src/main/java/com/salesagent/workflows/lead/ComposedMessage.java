package com.salesagent.workflows.lead;

/**
 * A composed message, stored in MongoDB (messages, status "composed") under its idempotency key.
 * The workflow holds only this reference and the quality gate's verdict: the text names the lead,
 * so it stays out of history. {@code decision}: approve, hold (human review) or reject.
 */
public record ComposedMessage(
    String idempotencyKey, String composer, int length, double score, String decision) {
  public static final String APPROVE = "approve";
  public static final String HOLD = "hold";
  public static final String REJECT = "reject";
}
