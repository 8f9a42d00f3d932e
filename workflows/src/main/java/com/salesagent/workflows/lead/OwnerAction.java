package com.salesagent.workflows.lead;

/**
 * A sales rep acted on the lead handed to them ({@code accepted}: took it from the Hand-offs
 * queue): the SLA clock stops and the lead is in conversation with a person. {@code ownerId} the
 * rep's id; {@code by} who the timeline names: the rep ("Ana Lima (ana)"), or the operator identity
 * that called the API for a lead nobody owns.
 */
public record OwnerAction(String ownerId, String action, String by) {
  public static final String ACCEPTED = "accepted";
}
