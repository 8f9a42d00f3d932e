package com.salesagent.workflows.afterend;

import java.time.Instant;

/**
 * A person's message to a lead whose run had ended, stored by the API under {@code idempotencyKey}
 * (the same key a live lead's message has): who wrote it ({@code ownerId}, {@code by}) and when it
 * was queued ({@code queuedAt}: a lead that wrote after it is waiting again).
 */
public record AfterEndMessage(
    String leadId,
    String campaignId,
    String idempotencyKey,
    String ownerId,
    String by,
    Instant queuedAt) {}
