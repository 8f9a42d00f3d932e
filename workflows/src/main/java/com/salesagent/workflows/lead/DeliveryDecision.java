package com.salesagent.workflows.lead;

/**
 * An operator's answer about a send whose fate is unknown (the Cloud API's answer was lost and no
 * status webhook resolved it within the reconciliation window): {@code resend} (the lead may get it
 * twice), {@code assume_sent} (go on with the sequence as if it arrived) or {@code stop} the lead.
 * {@code operator} is set by the API from the authenticated token.
 */
public record DeliveryDecision(String idempotencyKey, String decision, String operator) {
  public static final String RESEND = "resend";
  public static final String ASSUME_SENT = "assume_sent";
  public static final String STOP = "stop";
}
