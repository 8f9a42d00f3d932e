package com.salesagent.workflows.lead;

/**
 * Sends the composed message stored under {@code idempotencyKey}: as the approved template when
 * {@code template}, as free text otherwise. A retried activity finds the recorded wamid and returns
 * it instead of sending again.
 */
public record SendRequest(
    String leadId, String idempotencyKey, int step, boolean template, boolean useEditedText) {}
