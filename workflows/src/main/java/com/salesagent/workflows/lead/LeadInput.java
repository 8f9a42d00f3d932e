package com.salesagent.workflows.lead;

/**
 * What starts (or continues) a lead's workflow. Only opaque ids: the contact's details are read by
 * activities, so no personal data lands in workflow history. {@code carried} is null on the first
 * run and holds the state on a continue-as-new.
 */
public record LeadInput(String leadId, String campaignId, LeadState carried) {}
