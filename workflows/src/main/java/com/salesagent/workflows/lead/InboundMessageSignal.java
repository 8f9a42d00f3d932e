package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * An inbound WhatsApp message from the lead. {@code contextWamid} is the message it answers, when
 * WhatsApp says so; {@code type} is WhatsApp's message type (text, button, reaction, ...). The text
 * stays in MongoDB (feedback): the workflow only needs the facts. {@code intent} is the triage's
 * verdict; {@code snoozeUntil} is set for a "not now" that named a date. {@code closing} says the
 * triage read a closing (thanks, bye, ok alone): a live run is told it as {@code other}, but a run
 * that is ending does not reopen for it ({@link LeadReopening#staysEnded}), as the webhook does not
 * start a new run for one that finds the run ended. False in signals from before it existed.
 */
public record InboundMessageSignal(
    String messageId,
    String contextWamid,
    String type,
    Instant at,
    String intent,
    Instant snoozeUntil,
    boolean closing) {
  public InboundMessageSignal(String messageId, String contextWamid, String type, Instant at) {
    this(messageId, contextWamid, type, at, null, null);
  }

  public InboundMessageSignal(
      String messageId,
      String contextWamid,
      String type,
      Instant at,
      String intent,
      Instant snoozeUntil) {
    this(messageId, contextWamid, type, at, intent, snoozeUntil, false);
  }

  /**
   * The intent of a voice note the inbox has sent for transcription: its triage follows in a second
   * signal for the same message id (from InboundMediaWorkflow), and the lead waits for it.
   */
  public static final String AWAITING_TRANSCRIPT = "awaiting_transcript";

  /** Every inbound message but a reaction is a reply that ends the sequence. */
  public boolean endsSequence() {
    return !"reaction".equals(type);
  }
}
