package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/**
 * The hand-off's clock (DESIGN.md section 3): who holds an interested lead, the owner's SLA (a
 * reminder halfway, another owner at the deadline, the owner keeping it when nobody else can take
 * it), an owner who left, and a person's action that stops the clock. Deterministic, like the rest
 * of the lifecycle: the decisions are activities ({@link HandOffActivities}), the times are the
 * run's.
 */
final class HandOffClock {
  /**
   * Version 1: a lead whose owner left goes to another owner, who must act within the SLA again.
   */
  static final String OWNER_GONE = "owner-gone";

  /**
   * Version 1: the time a lead is paused does not count against its owner's SLA: at the resume the
   * owner's reminder and deadline move on by the pause (before, a pause longer than the SLA was
   * reminded and handed to another owner the moment it resumed).
   */
  static final String SLA_PAUSED = "sla-paused";

  /**
   * Version 1: a rep made inactive while the assignment that picks them is decided (the API's
   * signal came before the run recorded them as the owner, and was dropped as naming another rep)
   * is gone as soon as the assignment names them: the lead goes to another owner at once instead of
   * waiting for the departed rep's SLA.
   */
  static final String OWNER_GONE_WHILE_ASSIGNING = "owner-gone-while-assigning";

  private final LeadRun run;
  private final LeadStubs stubs;
  private final Stages stages;
  private LeadPolicy policy;

  /** The owner who left, until the next hand-off names who took over (null: the SLA passed). */
  private String reassignFrom;

  HandOffClock(LeadRun run, LeadStubs stubs, Stages stages) {
    this.run = run;
    this.stubs = stubs;
    this.stages = stages;
  }

  void policy(LeadPolicy policy) {
    this.policy = policy;
  }

  /** Interested; handed to an owner who has not acted; or in a person's hands. */
  Stage stage() {
    if (run.meetingAt != null) {
      return Stage.MEETING_BOOKED;
    }
    if (run.ownerActedAt != null) {
      return Stage.IN_CONVERSATION;
    }
    return run.ownerId != null ? Stage.HANDED_OFF : Stage.INTERESTED;
  }

  /** The next instant the hand-off needs the workflow (a retry, a reminder, the deadline). */
  Instant ownerClock() {
    if (run.ownerActedAt != null) {
      return null;
    }
    if (run.ownerId == null) {
      return run.handOffRetryAt;
    }
    return run.ownerReminded ? run.ownerDueAt : run.ownerRemindAt;
  }

  String ownerClockAction() {
    if (run.ownerId == null) {
      return "hand_off";
    }
    return run.ownerReminded ? "reassign_owner" : "remind_owner";
  }

  void ownerClockDue() {
    if (run.ownerId == null) {
      run.handOffWanted = true; // its retry time stays: the waiting is recorded once
    } else if (!run.ownerReminded) {
      stubs.handOffs.remindOwner(run.leadId, run.ownerId, run.handOffAttempt);
      run.ownerReminded = true;
      stages.record("handoff_reminded", null, "owner " + run.ownerId);
    } else {
      run.handOffWanted = true; // the deadline passed: another owner
    }
  }

  /**
   * The lead, paused at {@code pausedAt}, resumed now: an owner's running SLA (handed off, not
   * acted yet) moves on by the pause ({@link #SLA_PAUSED}), and the queue is told. The owner
   * clock's next instant when it moved, else null.
   */
  Instant resumed(Instant pausedAt) {
    if (run.ownerId == null || run.ownerActedAt != null || run.ownerDueAt == null) {
      return null;
    }
    Duration paused = Duration.between(pausedAt, stages.now());
    if (paused.isNegative()
        || paused.isZero()
        || Workflow.getVersion(SLA_PAUSED, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return null;
    }
    if (!run.ownerReminded && run.ownerRemindAt != null) {
      run.ownerRemindAt = run.ownerRemindAt.plus(paused);
    }
    run.ownerDueAt = run.ownerDueAt.plus(paused);
    stubs.handOffs.moveSla(
        run.leadId, run.ownerId, run.handOffAttempt, run.ownerRemindAt, run.ownerDueAt);
    run.changes++; // the wait that held the old instant decides again
    return ownerClock();
  }

  /**
   * Hands the lead to an owner (attempt 1) or to another one (a reassignment): the activity picks
   * and tells the owner. Nobody with capacity: tried again when the activity says; nobody takes the
   * segment at all: the lead stays interested, on the operators' Hand-offs queue.
   */
  void handOff() {
    run.handOffWanted = false;
    String before = run.ownerId;
    OwnerAssignment assigned = assign();
    if (assigned.ownerId() == null && run.ownerId != null) {
      // The deadline passed and nobody else can take the lead now: its owner keeps it, and it is
      // tried again then (or after another SLA when nobody else takes the segment at all).
      run.ownerDueAt =
          assigned.retryAt() != null ? assigned.retryAt() : stages.now().plus(policy.ownerSla());
      run.ownerReminded = true;
      reassignFrom = null;
      stages.record("handoff_kept", null, "owner " + run.ownerId + ": " + assigned.note());
      return;
    }
    if (assigned.ownerId() == null) {
      boolean first = run.handOffRetryAt == null;
      run.handOffRetryAt = assigned.retryAt();
      if (first) {
        stages.record("handoff_waiting", null, assigned.note());
      }
      return;
    }
    if (before == null && reassignFrom != null) {
      before = reassignFrom;
    }
    // An attempt decided by hand (an operator's or the owner's reassignment) says so in its note;
    // every other assignment has none (so the histories recorded before read as they did).
    String why =
        assigned.note() != null
            ? assigned.note()
            : reassignFrom == null ? "SLA passed" : reassignFrom + " inactive";
    reassignFrom = null;
    String detail =
        before == null
            ? "owner " + run.ownerId
            : "owner " + before + " -> " + run.ownerId + " (" + why + ")";
    stages.set(
        Stage.HANDED_OFF,
        "remind_owner",
        run.ownerRemindAt,
        before == null ? "handed_off" : "handoff_reassigned",
        detail);
  }

  /** The next hand-off attempt; an owner found is the lead's from here (its SLA starts). */
  OwnerAssignment assign() {
    int attempt = run.handOffAttempt + 1;
    run.goneMeanwhile.clear();
    run.assigning = true;
    OwnerAssignment assigned;
    try {
      assigned =
          stubs.handOffs.handOff(
              new HandOffRequest(
                  run.leadId,
                  run.campaignId,
                  run.segment,
                  attempt,
                  policy.ownerSla(),
                  run.previousOwnerId));
    } finally {
      run.assigning = false;
    }
    run.previousOwnerId = null; // asked first once: a reassignment is the segment's rule
    if (assigned.ownerId() != null) {
      run.releasedAt = null; // a person has it again
      run.handOffAttempt = attempt;
      run.handOffRetryAt = null;
      run.ownerId = assigned.ownerId();
      run.ownerRemindAt = assigned.remindAt();
      run.ownerDueAt = assigned.dueAt();
      run.ownerReminded = false;
      if (run.goneMeanwhile.contains(assigned.ownerId())
          && Workflow.getVersion(OWNER_GONE_WHILE_ASSIGNING, Workflow.DEFAULT_VERSION, 1)
              != Workflow.DEFAULT_VERSION) {
        run.ownerGone = assigned.ownerId(); // as if the signal had come just after
        run.changes++;
      }
    }
    run.goneMeanwhile.clear();
    return assigned;
  }

  /**
   * The owner left: the lead is handed on (the SLA starts again for the next owner, who has not
   * acted yet). Nobody else free: it keeps trying as a first hand-off does.
   */
  void ownerGone() {
    String gone = run.ownerGone;
    run.ownerGone = null;
    if (!gone.equals(run.ownerId)
        || Workflow.getVersion(OWNER_GONE, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return;
    }
    run.ownerActedAt = null;
    run.ownerReminded = false;
    run.ownerId = null; // unassigned until another owner takes it (the retry clock applies)
    run.handOffWanted = true;
    reassignFrom = gone;
  }

  /**
   * The owner gave the interested lead back to the agent (the API released their hand-off first):
   * nobody holds it, so no reminder, deadline or retry runs and it is no longer counted against
   * anyone; the agent's re-engagements go on as they did while the rep held it; its next reply with
   * interest is handed to a person again ({@link AfterTheReply#interested}). A release naming
   * another owner than the lead's (it moved meanwhile) changes nothing.
   */
  void released() {
    OwnerReleases.released(run, stages, this);
  }

  /**
   * The person's message that met the SLA failed (WhatsApp's failed status: the lead never got it)
   * and no person's message after it went through, nor was a meeting booked: the SLA is open again,
   * from now (its reminder halfway, its deadline a whole SLA on; the queue is told), the lead
   * handed off again. A later message that went through meets it again.
   */
  void answerFailed() {
    if (run.slaMetByWamid == null) {
      return;
    }
    if (run.ownerActedAt == null || run.meetingAt != null || run.ownerId == null) {
      run.slaMetByWamid = null;
      return;
    }
    int at = -1;
    for (int i = run.messages.size() - 1; i >= 0 && at < 0; i--) {
      if (run.messages.get(i).wamid().equals(run.slaMetByWamid)) {
        at = i;
      }
    }
    if (at < 0 || !"failed".equals(run.messages.get(at).status())) {
      return; // not failed (yet)
    }
    MessageView failed = run.messages.get(at);
    for (int i = at + 1; i < run.messages.size(); i++) {
      MessageView later = run.messages.get(i);
      if (MessageView.isOwners(later.kind()) && !"failed".equals(later.status())) {
        run.slaMetByWamid = later.wamid(); // a later person's message holds the SLA now
        return;
      }
    }
    run.slaMetByWamid = null;
    run.ownerActedAt = null;
    run.ownerReminded = false;
    Instant now = stages.now();
    run.ownerRemindAt = now.plus(policy.ownerSla().dividedBy(2));
    run.ownerDueAt = now.plus(policy.ownerSla());
    stubs.handOffs.moveSla(
        run.leadId, run.ownerId, run.handOffAttempt, run.ownerRemindAt, run.ownerDueAt);
    stages.set(
        Stage.HANDED_OFF,
        "remind_owner",
        run.ownerRemindAt,
        "owner_answer_failed",
        "owner "
            + run.ownerId
            + ": the answer did not reach the lead"
            + (failed.errorCode() == null ? "" : " (WhatsApp error " + failed.errorCode() + ")")
            + ": the SLA runs again");
  }

  /** A person took the lead: the SLA is met, the lead is in conversation. */
  void acted(OwnerAction action) {
    run.ownerAction = null;
    if (run.ownerActedAt != null || LateAcceptances.givenBack(run, action)) {
      return; // acted already; or a take given back, taken in with its release (handled first)
    }
    run.ownerActedAt = stages.now();
    if (run.ownerId == null && action.ownerId() != null) {
      run.ownerId = action.ownerId();
    }
    run.handOffWanted = false;
    run.handOffRetryAt = null;
    stages.set(
        Stage.IN_CONVERSATION,
        run.nextAction,
        run.nextActionAt,
        "owner_" + action.action(),
        "by " + action.by());
  }
}
