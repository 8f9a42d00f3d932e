package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * An operator's answer about a send whose fate is unknown (the Cloud API's answer was lost and no
 * status webhook resolved it within the reconciliation window): {@code resend} (the lead may get it
 * twice), {@code assume_sent} (go on with the sequence as if it arrived) or {@code stop} the lead.
 * {@code operator} is set by the API from the authenticated token. {@code heldAt} names the hold
 * decided (when the send was held for an operator, as {@code GET /api/approvals} lists it; null:
 * whichever is open, as before): a send resent and held unknown again is a new hold, and the
 * workflow refuses a decision naming one that is not its open hold ({@link #HOLD_SUPERSEDED}). The
 * workflow's answer carries the hold it decided (null for a hold opened before version 1 of {@code
 * delivery-hold-identity}, whose time the workflow did not keep).
 */
public record DeliveryDecision(
    String idempotencyKey, String decision, String operator, Instant heldAt) {
  public static final String RESEND = "resend";
  public static final String ASSUME_SENT = "assume_sent";
  public static final String STOP = "stop";

  /**
   * What the workflow's validator says when a decision names a hold that is not the open one,
   * followed by the open hold's time (ISO-8601) and a space: the API reads the open hold from it
   * ({@link #holdSuperseded}; the SDK hands a validator's failure to the client under its own type,
   * so the sentence is what tells it).
   */
  public static final String HOLD_SUPERSEDED = "is not open: the send is held again since ";

  /**
   * The open hold a {@link #HOLD_SUPERSEDED} refusal names, read from {@code failure} or its
   * causes; null when it is another failure.
   */
  public static Instant holdSuperseded(Throwable failure) {
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      String message =
          t instanceof io.temporal.failure.ApplicationFailure app
              ? app.getOriginalMessage()
              : t.getMessage();
      int at = message == null ? -1 : message.indexOf(HOLD_SUPERSEDED);
      if (at >= 0) {
        String rest = message.substring(at + HOLD_SUPERSEDED.length());
        int end = rest.indexOf(' ');
        try {
          return Instant.parse(end < 0 ? rest : rest.substring(0, end));
        } catch (java.time.format.DateTimeParseException e) {
          return null;
        }
      }
    }
    return null;
  }
}
