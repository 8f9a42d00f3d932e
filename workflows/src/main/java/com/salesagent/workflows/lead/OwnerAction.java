package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * A sales rep acted on the lead handed to them ({@code accepted}: took it from the Hand-offs
 * queue): the SLA clock stops and the lead is in conversation with a person. {@code ownerId} the
 * rep's id; {@code by} who the timeline names: the rep ("Ana Lima (ana)"), or the operator identity
 * that called the API for a lead nobody owns; {@code takenAt} the take's time as its hand-off
 * records it ({@code acceptedAt}, to the millisecond; null for the run's own actions and in signals
 * from before it existed): a take a release gave back is not applied again ({@link
 * LateAcceptances}).
 */
public record OwnerAction(String ownerId, String action, String by, Instant takenAt) {
  public static final String ACCEPTED = "accepted";

  /** An action with no take time (the run's own: a person's message, a booked meeting). */
  public OwnerAction(String ownerId, String action, String by) {
    this(ownerId, action, by, null);
  }
}
