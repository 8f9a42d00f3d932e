package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * Who took the lead: {@code ownerId} (an id, never a name) with the reminder and the deadline of
 * its SLA (counted in the owner's working hours). No owner: {@code retryAt} when owners take the
 * segment but none has capacity now (try again then), null when none takes it at all (the lead
 * stays interested, on the Hand-offs queue); {@code note} says which.
 */
public record OwnerAssignment(
    String ownerId, int attempt, Instant remindAt, Instant dueAt, Instant retryAt, String note) {}
