package com.salesagent.workflows.lead;

import java.time.Instant;

/** Written on the message document: pending (with its SLA), then the decision and who made it. */
public record ApprovalRecord(
    String leadId, String idempotencyKey, String status, String approver, Instant slaAt) {}
