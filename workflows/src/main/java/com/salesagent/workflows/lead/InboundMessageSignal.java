package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * An inbound WhatsApp message from the lead. {@code contextWamid} is the message it answers, when
 * WhatsApp says so; {@code type} is WhatsApp's message type (text, button, reaction, ...). The text
 * stays in MongoDB (feedback): the workflow only needs the facts. {@code intent} is the triage's
 * verdict; {@code snoozeUntil} is set for a "not now" that named a date.
 */
public record InboundMessageSignal(
    String messageId,
    String contextWamid,
    String type,
    Instant at,
    String intent,
    Instant snoozeUntil) {
  public InboundMessageSignal(String messageId, String contextWamid, String type, Instant at) {
    this(messageId, contextWamid, type, at, null, null);
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
