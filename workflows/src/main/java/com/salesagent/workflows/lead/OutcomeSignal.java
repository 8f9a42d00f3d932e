package com.salesagent.workflows.lead;

/**
 * The outcome an operator sets for a lead: {@code converted} or {@code lost}, with the reason and
 * who set it (an operator's name, "crm", "booking").
 */
public record OutcomeSignal(String outcome, String reason, String by) {
  public static final String CONVERTED = "converted";
  public static final String LOST = "lost";
}
