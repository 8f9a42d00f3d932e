package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * Written on the message document: pending (with its SLA), then the decision and who made it. For a
 * send of unknown fate, {@code heldAt} is the hold it is about (from version 1 of {@code
 * delivery-hold-identity}; null before): the time it was held for an operator, written as its
 * {@code delivery.at} with {@code delivery_unknown} (what {@code GET /api/approvals} lists and a
 * decision names), and the hold decided with the operator's decision.
 */
public record ApprovalRecord(
    String leadId,
    String idempotencyKey,
    String status,
    String approver,
    Instant slaAt,
    Instant heldAt) {}
