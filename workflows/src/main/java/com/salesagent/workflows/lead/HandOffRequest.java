package com.salesagent.workflows.lead;

import java.time.Duration;

/**
 * Hand-off attempt {@code attempt} (1: the first) of the lead in {@code segment}; the owner has
 * {@code sla} of working time to act before it is reassigned (reminded halfway).
 */
public record HandOffRequest(
    String leadId, String campaignId, String segment, int attempt, Duration sla) {}
