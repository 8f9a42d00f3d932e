package com.salesagent.workflows.erasure;

import java.util.List;

/**
 * The whole erasure: the first pass, the sweep after the grace period, and the workflow histories
 * (which hold the lead's messages) deleted from Temporal, or kept until the namespace's retention
 * where the server does not delete them (the embedded dev server), with the reason.
 */
public record ErasureReport(
    String leadId,
    Erased first,
    Erased sweep,
    List<String> historiesDeleted,
    String historiesKept) {}
