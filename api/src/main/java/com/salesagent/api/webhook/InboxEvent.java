package com.salesagent.api.webhook;

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

  /** Meta's epoch seconds (a string, or a number), or the time the event arrived. */
  Instant at(String field) {
    Object value = item.get(field);
    try {
      return Instant.ofEpochSecond(Long.parseLong(String.valueOf(value)));
    } catch (RuntimeException e) {
      return receivedAt;
    }
  }
}
