package com.salesagent.workflows.lead;

/** What the workflow did with a decision. */
public record ApprovalResult(String idempotencyKey, String decision, String approver) {}
