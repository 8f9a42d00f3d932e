package com.salesagent.api.webhook;

import java.time.Duration;
import java.time.Instant;
import org.bson.Document;

/**
 * A stored webhook item on its way through its processor. {@code effectsApplied}: a relay of an
 * event whose MongoDB effects (timeline, counters, feedback) were applied before its signal failed:
 * the processor only signals again. {@code markApplied} records that the effects are done.
 */
record InboxEvent(
    String eventKey,
    Document item,
    Instant receivedAt,
    boolean effectsApplied,
    Runnable markApplied) {

  /** How far after its receipt an event's time may be (clocks differ a little). */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** The earliest event time taken: Meta sent nothing before. */
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  /**
   * Meta's epoch seconds (a string, or a number), or the time the event arrived when it is no
   * number, before 2000, or more than {@link #CLOCK_SKEW} after the arrival (a status dated in the
   * year 5138 would otherwise be the message's delivery time, and a reply's would hold WhatsApp's
   * customer-service window open). The stored event keeps what Meta sent.
   */
  Instant at(String field) {
    Object value = item.get(field);
    try {
      Instant at = Instant.ofEpochSecond(Long.parseLong(String.valueOf(value)));
      return at.isBefore(EARLIEST) || at.isAfter(receivedAt.plus(CLOCK_SKEW)) ? receivedAt : at;
    } catch (RuntimeException e) {
      return receivedAt;
    }
  }
}
