package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * A change the workflow reports to MongoDB: the contact's stage and next action are updated and,
 * when {@code type} is set, an event is appended to interaction_history.
 */
public record LeadEvent(
    String leadId,
    String campaignId,
    String type,
    String stage,
    String segment,
    String variantId,
    String wamid,
    String nextAction,
    Instant nextActionAt,
    String detail) {}
