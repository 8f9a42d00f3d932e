package com.salesagent.workflows.lead;

/** The prompt variant a lead was assigned (sticky), and the strategy that chose it. */
public record VariantAssignment(String variantId, String angle, String strategy) {}
