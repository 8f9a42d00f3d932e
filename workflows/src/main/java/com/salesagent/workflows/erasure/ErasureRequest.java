package com.salesagent.workflows.erasure;

/**
 * An operator's request to erase a lead ({@code DELETE /api/leads/{leadId}}): who asked, why,
 * whether the number stays on the suppression list (by default it does: a person who asked to be
 * forgotten has not asked to be contacted again), and how long after the first pass a second pass
 * sweeps what work already under way when the lead was stopped may still have written.
 */
public record ErasureRequest(
    String leadId,
    String requestedBy,
    String reason,
    boolean keepSuppressed,
    long sweepAfterSeconds) {}
