package com.salesagent.workflows.variants;

/**
 * What to switch off and, after a continue-as-new, where the fan-out stands: the last lead id
 * signalled (pages are in lead-id order) and the counts so far.
 */
public record KillSwitchRequest(
    String variantId, String operator, String afterLeadId, int signalled, int ended) {
  public static KillSwitchRequest start(String variantId, String operator) {
    return new KillSwitchRequest(variantId, operator, null, 0, 0);
  }
}
