package com.salesagent.workflows.lead;

import java.time.Instant;

/** {@code doNotContact}: nothing was sent because the contact opted out. */
public record SendResult(
    String wamid, Instant acceptedAt, boolean doNotContact, boolean replayed) {}
