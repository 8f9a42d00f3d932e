package com.salesagent.workflows.lead;

/**
 * The rep holding an interested lead gave it back to the agent ({@code POST
 * /api/leads/{id}/handoff/release}): nobody holds it, no SLA runs, the agent's re-engagements go
 * on, and the lead's next reply is handed to a person again. {@code ownerId} the rep who held it (a
 * release naming another holder is ignored); {@code by} who the timeline names; {@code reason} the
 * rep's note (at most 200 characters, may be null).
 */
public record OwnerRelease(String ownerId, String by, String reason) {}
