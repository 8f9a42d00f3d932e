package com.salesagent.workflows.lead;

/**
 * What starts (or continues) a lead's workflow. Only opaque ids: the contact's details are read by
 * activities, so no personal data lands in workflow history. On a continue-as-new {@code run}
 * carries the whole state of the lifecycle; {@code carried} is what runs of the frozen first
 * version carried (a subset, read when such a run moves to today's code).
 */
public record LeadInput(String leadId, String campaignId, LeadState carried, LeadRun run) {
  public LeadInput(String leadId, String campaignId, LeadState carried) {
    this(leadId, campaignId, carried, null);
  }
}
