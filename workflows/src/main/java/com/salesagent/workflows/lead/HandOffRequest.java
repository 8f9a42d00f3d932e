package com.salesagent.workflows.lead;

import java.time.Duration;

/**
 * Hand-off attempt {@code attempt} (1: the first) of the lead in {@code segment}; the owner has
 * {@code sla} of working time to act before it is reassigned (reminded halfway). {@code
 * preferredOwnerId}: the owner who held the lead before its run ended, asked first when the lead
 * writes again (the person it knows), if they take its segment and have room; null otherwise.
 */
public record HandOffRequest(
    String leadId,
    String campaignId,
    String segment,
    int attempt,
    Duration sla,
    String preferredOwnerId) {
  public HandOffRequest(
      String leadId, String campaignId, String segment, int attempt, Duration sla) {
    this(leadId, campaignId, segment, attempt, sla, null);
  }
}
