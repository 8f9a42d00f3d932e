package com.salesagent.workflows.afterend;

/**
 * A message from a lead whose run had ended ({@code messageId}: Meta's id), to draft an answer to.
 */
public record AfterEndDraft(String leadId, String campaignId, String messageId) {}
