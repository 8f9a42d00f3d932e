package com.salesagent.workflows.lead;

import java.time.Duration;

/**
 * The follow-up policy of the lead's segment (workflow_definitions) and the sending rules of its
 * campaign (agent_configurations). Quiet hours are local times ("20:00") in the lead's time zone. A
 * message held by the quality gate waits {@code approvalSla} for a reviewer, then {@code
 * approvalDefault} (approve or reject) applies.
 */
public record LeadPolicy(
    Duration readNoReplyDelay,
    Duration unreadDelay,
    int maxFollowUps,
    String quietHoursStart,
    String quietHoursEnd,
    Duration customerServiceWindow,
    Duration rateLimitBackoff,
    int maxRateLimitRetries,
    Duration approvalSla,
    String approvalDefault) {}
