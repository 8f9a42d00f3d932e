package com.salesagent.workflows.lead;

import java.time.Instant;
import java.util.List;

/**
 * The answer to the {@code state} query, and what continue-as-new carries over. No personal data:
 * ids, stages, times.
 */
public record LeadState(
    String leadId,
    Stage stage,
    String segment,
    String variantId,
    String nextAction,
    Instant nextActionAt,
    int followUpsSent,
    int sendAttempts,
    boolean paused,
    Instant lastInboundAt,
    String outcomeReason,
    List<MessageView> messages,
    String pendingApproval) {}
