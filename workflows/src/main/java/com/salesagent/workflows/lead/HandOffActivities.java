package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityInterface;
import java.time.Instant;

/**
 * The hand-off of an interested lead to a sales rep ({@code owners}): who takes it, and the
 * reminder of an owner who has not acted. Each is idempotent by the lead and the attempt: a retried
 * activity returns what the first one decided.
 */
@ActivityInterface
public interface HandOffActivities {
  /**
   * Assigns the lead to an owner who takes its segment, has capacity and (preferably) works now,
   * round robin; attempt 1 is the first hand-off, each later one a reassignment that skips the
   * owners who had it when another can take it. The owner is told (outbound webhook {@code
   * lead.handed_off}).
   */
  OwnerAssignment handOff(HandOffRequest request);

  /** Tells the owner again (outbound webhook {@code lead.handoff_reminder}), once per attempt. */
  void remindOwner(String leadId, String ownerId, int attempt);

  /**
   * The owner's reminder and deadline of this attempt moved (the lead was paused: the time it was
   * paused does not count against the SLA): the Hand-offs queue shows them. Idempotent; an attempt
   * another one replaced meanwhile is left as it is.
   */
  void moveSla(String leadId, String ownerId, int attempt, Instant remindAt, Instant dueAt);
}
