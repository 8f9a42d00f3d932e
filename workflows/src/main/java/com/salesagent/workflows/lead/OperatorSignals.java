package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * What people tell a lead's workflow (its owner's actions, a booked meeting, a rep gone, released
 * or free, a rep's message to send, an operator's outcome or stop), applied to its state; the
 * lifecycle acts on it in its loop ({@link LeadLifecycle}). Deterministic: state changes only.
 */
final class OperatorSignals {
  private OperatorSignals() {}

  static void ownerAction(LeadRun run, OwnerAction action) {
    if (action == null
        || run.stage.terminal()
        || run.ownerActedAt != null
        || LateAcceptances.givenBack(run, action)) {
      return;
    }
    run.ownerAction = action;
    run.changes++;
  }

  static void meetingBooked(LeadRun run, MeetingBooked meeting) {
    if (meeting == null
        || meeting.at() == null
        || !(run.stage.interested() || run.interestedAt != null)
        || run.stage.terminal()) {
      return;
    }
    run.pendingMeeting = meeting;
    run.changes++;
  }

  static void ownerGone(LeadRun run, String ownerId, Instant takenAt) {
    if (ownerId == null || run.stage.terminal()) {
      return;
    }
    // The take the lead was moved away from is over, whatever the run does with the signal (it
    // may name an owner the run has not recorded yet, or one it moved from already).
    LateAcceptances.movedFrom(run, takenAt);
    if (!ownerId.equals(run.ownerId)) {
      if (run.assigning) {
        run.goneMeanwhile.add(ownerId); // the assignment under way may name them
      }
      return;
    }
    run.ownerGone = ownerId;
    run.changes++;
  }

  /** Only for an interested lead its owner holds: the release names them. */
  static void ownerReleased(LeadRun run, OwnerRelease release) {
    if (release != null && !run.stage.terminal()) {
      // The take it gave back is given back whatever the run does with the release (one naming
      // no owner of the run's: a lead taken from the queue, the run told of the take late).
      LateAcceptances.remember(run, release);
    }
    if (release == null
        || release.ownerId() == null
        || run.stage.terminal()
        || run.interestedAt == null
        || !release.ownerId().equals(run.ownerId)) {
      return;
    }
    run.ownerReleased = release;
    run.changes++;
  }

  /** Only for an interested lead nobody holds (a person has not taken it either). */
  static void ownerAvailable(LeadRun run, String ownerId) {
    if (run.stage.terminal()
        || run.interestedAt == null
        || run.ownerId != null
        || run.ownerActedAt != null) {
      return;
    }
    run.handOffWanted = true;
    run.changes++;
  }

  static void ownerReply(LeadRun run, OwnerReply reply) {
    if (reply == null
        || run.stage.terminal()
        || run.ownerReplies.size() >= LeadLifecycle.MAX_PENDING_REPLIES) {
      return;
    }
    // A retried API call signals the same message again: it goes once.
    if (run.ownerReplyKeys.contains(reply.idempotencyKey())
        || run.ownerReplies.stream()
            .anyMatch(r -> r.idempotencyKey().equals(reply.idempotencyKey()))) {
      return;
    }
    run.ownerReplies.add(reply);
    run.changes++;
  }

  static void outcome(LeadRun run, OutcomeSignal outcome) {
    if (outcome == null || run.stage.terminal() || run.requestedOutcome != null) {
      return;
    }
    Stage stage =
        OutcomeSignal.CONVERTED.equals(outcome.outcome())
            ? Stage.CONVERTED
            : OutcomeSignal.LOST.equals(outcome.outcome()) ? Stage.LOST : null;
    if (stage == null) {
      return;
    }
    String reason =
        outcome.reason() == null || outcome.reason().isBlank() ? null : outcome.reason();
    run.outcomeReason =
        stage.key()
            + (outcome.by() == null ? "" : " by " + outcome.by())
            + (reason == null ? "" : ": " + reason);
    run.requestedOutcome = stage;
  }

  static void stop(LeadRun run, String reason) {
    if (run.stopped || run.stage.terminal()) {
      return;
    }
    run.outcomeReason = reason == null || reason.isBlank() ? "stopped by an operator" : reason;
    run.stopped = true;
    if (run.endedBy == null) {
      run.endedBy = Stage.STOPPED;
    }
  }
}
