package com.salesagent.workflows.lead;

/**
 * The prompt variant a lead was assigned (sticky), the strategy that chose it, and the segment it
 * was assigned in (null in answers recorded before segments were matched at assignment).
 */
public record VariantAssignment(String variantId, String angle, String strategy, String segment) {}
