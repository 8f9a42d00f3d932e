package com.salesagent.workflows.lead;

/**
 * What {@link DispatchActivities#composeAndSend} did: the composition (as {@link
 * ComposeActivities#compose} answers it) and the send's result, or null with the reason it was not
 * sent: {@link #NOT_APPROVED} (held or rejected by the quality gate: the workflow reviews it as
 * before), {@link #VARIANT_DISABLED} (switched off by an operator since the lead was assigned: its
 * text must not go out), or {@link #SEND_FAILED} (the send threw; the workflow's send activity
 * retries it under its own policy, at most once per key as always). {@code segment}: the segment
 * the lead was matched to before the message was composed ({@link
 * DispatchActivities#composeAndSendInSegment}); null from {@link
 * DispatchActivities#composeAndSend}.
 */
public record Dispatched(
    ComposedMessage composed, SendResult sent, String notSent, String segment) {
  public static final String NOT_APPROVED = "not_approved";
  public static final String VARIANT_DISABLED = "variant_disabled";
  public static final String SEND_FAILED = "send_failed";

  public static Dispatched sent(ComposedMessage composed, SendResult sent) {
    return new Dispatched(composed, sent, null, null);
  }

  public static Dispatched notSent(ComposedMessage composed, String reason) {
    return new Dispatched(composed, null, reason, null);
  }

  /** This answer, naming the segment the lead was matched to before composing. */
  public Dispatched inSegment(String matched) {
    return new Dispatched(composed, sent, notSent, matched);
  }
}
