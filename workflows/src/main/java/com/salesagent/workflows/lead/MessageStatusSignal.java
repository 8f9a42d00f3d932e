package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * A WhatsApp status callback for one of the lead's messages: sent, delivered, read or failed (with
 * Meta's error code). Delivered at least once and in any order.
 */
public record MessageStatusSignal(String wamid, String status, Instant at, Integer errorCode) {}
