package com.salesagent.workflows.lead;

/**
 * A composed message, stored in MongoDB (messages, status "composed") under its idempotency key.
 * The workflow holds only this reference: the text names the lead, so it stays out of history.
 */
public record ComposedMessage(String idempotencyKey, String composer, int length) {}
