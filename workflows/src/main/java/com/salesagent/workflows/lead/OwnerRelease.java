package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * The rep holding an interested lead gave it back to the agent ({@code POST
 * /api/leads/{id}/handoff/release}): nobody holds it, no SLA runs, the agent's re-engagements go
 * on, and the lead's next reply is handed to a person again. {@code ownerId} the rep who held it (a
 * release naming another holder is ignored); {@code by} who the timeline names; {@code reason} the
 * rep's note (at most 200 characters, may be null); {@code at} when the rep pressed it (the API's
 * clock; null in signals from before it existed); {@code seenMessageId} the newest message of the
 * lead known when the rep pressed it (the one the rep's page showed, else the newest stored; null
 * in signals from before it existed). Interest the lead showed after that message (else, without
 * one, from {@code at} on), before the run handled the release, is handed to a person again
 * (versions {@code release-by-message-order}, {@code release-after-interest}); {@code takenAt} the
 * time of the take it gives back (its hand-off's {@code acceptedAt}; null when the rep had not
 * taken it, and in signals from before it existed): that take's acceptance, told to the run late or
 * again, is not applied ({@link LateAcceptances}).
 */
public record OwnerRelease(
    String ownerId, String by, String reason, Instant at, String seenMessageId, Instant takenAt) {
  /** A release as signalled before {@code at} existed (the time the rep pressed it unknown). */
  public OwnerRelease(String ownerId, String by, String reason) {
    this(ownerId, by, reason, null, null, null);
  }

  /** A release as signalled before {@code seenMessageId} existed: decided by the clocks. */
  public OwnerRelease(String ownerId, String by, String reason, Instant at) {
    this(ownerId, by, reason, at, null, null);
  }

  /** A release as signalled before {@code takenAt} existed: the take it gave back unknown. */
  public OwnerRelease(String ownerId, String by, String reason, Instant at, String seenMessageId) {
    this(ownerId, by, reason, at, seenMessageId, null);
  }
}
