package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * A WhatsApp status callback for one of the lead's messages: sent, delivered, read or failed (with
 * Meta's error code). Delivered at least once and in any order. {@code idempotencyKey} is the
 * send's key echoed by Meta (biz_opaque_callback_data): it ties the status to a send whose own
 * answer was lost, whose wamid the workflow does not know yet.
 */
public record MessageStatusSignal(
    String wamid, String status, Instant at, Integer errorCode, String idempotencyKey) {
  public MessageStatusSignal(String wamid, String status, Instant at, Integer errorCode) {
    this(wamid, status, at, errorCode, null);
  }
}
