package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The sequence's own clock while the lead has not replied (DESIGN.md section 3): the next follow-up
 * (after a read, or unread), the close as no response, a snooze's agreed follow-up, a failed
 * message's resend. Deterministic like the rest of the lifecycle; {@link LeadLifecycle}'s loop
 * decides which of these applies.
 */
final class FollowUps {
  /**
   * Version 1: a snoozed lead's reply that the lifecycle acts on (interest, a question for a
   * person) ends the snooze, so the lead is not put back to sleep until the old date; and a
   * person's message to a snoozed lead goes at once, the snooze going on after it. Before, both
   * waited for the snooze's end: the reply's interest was recorded, then dropped by the snooze.
   */
  static final String SNOOZE_ANSWERED = "snooze-answered";

  /**
   * Version 1: a person's message to a lead that has not replied (a rep wrote inside the window a
   * reaction opened) times the sequence's next follow-up, and its close, as a message of the
   * sequence would: from its read, or from its send while unread. Before, the automated "just
   * following up" went on the old clock, hours after the rep's own message. The person's message
   * does not count as a follow-up. A person's message that failed times nothing.
   */
  static final String PERSON_TIMES_FOLLOW_UP = "person-times-follow-up";

  private final LeadRun run;
  private final LeadStubs stubs;
  private final Stages stages;
  private final Waits waits;
  private final Sending sending;
  private final Consumer<String> moved;
  private LeadPolicy policy;

  /** {@code moved} applies a segment the persona matches now (its policy comes with it). */
  FollowUps(
      LeadRun run,
      LeadStubs stubs,
      Stages stages,
      Waits waits,
      Sending sending,
      Consumer<String> moved) {
    this.run = run;
    this.stubs = stubs;
    this.stages = stages;
    this.waits = waits;
    this.sending = sending;
    this.moved = moved;
  }

  void policy(LeadPolicy policy) {
    this.policy = policy;
  }

  void awaitNextFollowUp(MessageView sequence) {
    MessageView last = timedFrom(sequence);
    int seen = run.changes;
    boolean read = last.readAt() != null;
    Instant due =
        read
            ? last.readAt().plus(policy.readNoReplyDelay())
            : last.sentAt().plus(policy.unreadDelay());
    boolean closing = run.followUpsSent >= policy.maxFollowUps();
    String action = closing ? "close_no_response" : read ? "follow_up_read" : "follow_up_unread";
    stages.set(Stage.AWAITING_RESPONSE, action, due, null, null);
    if (!read
        && !MessageView.isOwners(last.kind())
        && ReadReceipts.lookedUp()
        && !ReadReceipts.looked(run, last)) {
      // Reads before this run's look are not signalled: it looks once, in time for any of them.
      Instant look = ReadReceipts.lookAt(last, policy.readNoReplyDelay(), due);
      if (waits.undisturbedUntil(look, seen)) {
        ReadReceipts.look(run, stubs.leads, last, stages.now());
      }
      return; // the loop decides again: with the read, or waiting for its signal from now on
    }
    if (!waits.undisturbedUntil(due, seen)) {
      return; // ended, something changed, or time to continue as new: the loop decides again
    }
    if (closing) {
      stages.finish(Stage.NO_RESPONSE, "no reply after " + run.followUpsSent + " follow-ups");
      return;
    }
    run.followUpsSent++;
    sending.step(run.followUpsSent, action, false);
  }

  /**
   * The message the next follow-up is timed from: the sequence's last, or a person's message sent
   * after it (version 1 of {@link #PERSON_TIMES_FOLLOW_UP}; its reads are signalled, never looked
   * up).
   */
  private MessageView timedFrom(MessageView sequence) {
    MessageView person = run.lastPersonMessage();
    if (person == null
        || Workflow.getVersion(PERSON_TIMES_FOLLOW_UP, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return sequence;
    }
    return person;
  }

  /** A reply the lifecycle acts on came during the snooze: the snooze is over. */
  void snoozeAnswered() {
    if (run.snoozeAnswered
        && run.snoozeUntil != null
        && Workflow.getVersion(SNOOZE_ANSWERED, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION) {
      run.snoozeUntil = null;
    }
    run.snoozeAnswered = false;
  }

  /**
   * "Not now, talk in 30 days": quiet until then, then the agreed follow-up (which counts). The
   * snooze stays in the state while it runs: a continue-as-new in between resumes it.
   */
  void snooze() {
    Instant until = run.snoozeUntil;
    // A person's message wakes the snooze (it goes now; the loop comes back here after it).
    boolean ownerReplies =
        Workflow.getVersion(SNOOZE_ANSWERED, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    run.interestedAt = null; // "not now" from an interested lead: the sequence takes over again
    run.interestMessageId = null;
    run.conversationAt = null;
    boolean recorded = run.stage == Stage.SNOOZED && until.equals(run.nextActionAt);
    stages.set(
        Stage.SNOOZED,
        "resume_sequence",
        until,
        recorded ? null : "snoozed",
        recorded ? null : "not now, until " + until);
    if (!waits.until(
            until,
            () ->
                !until.equals(run.snoozeUntil)
                    || waits.historyFull()
                    || (ownerReplies && !run.ownerReplies.isEmpty()))
        || !until.equals(run.snoozeUntil)
        || stages.now().isBefore(until)) {
      return; // ended, a new date, a person's message, or time to continue as new
    }
    run.snoozeUntil = null;
    if (Workflow.getVersion(LeadLifecycle.SEGMENT_REMATCH, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION
        && Workflow.getVersion(LeadLifecycle.SEGMENT_AT_SEND, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      moved.accept(stubs.leads.matchSegment(run.leadId, run.segment));
    }
    run.followUpsSent++;
    sending.step(run.followUpsSent, "follow_up_read", false);
  }

  /** A message WhatsApp reported failed: resend as its error says, or end with the reason. */
  void afterFailure(MessageView failed) {
    int code = failed.errorCode() == null ? -1 : failed.errorCode();
    String purpose = failed.step() == 0 ? LeadLifecycle.FIRST_CONTACT : "follow_up";
    boolean template = "template".equals(failed.kind());
    SendOutcomes outcomes = sending.outcomes();
    boolean resend =
        code == MetaErrors.RE_ENGAGEMENT_REQUIRED && !template
            || (MetaErrors.RATE_LIMITS.contains(code) && outcomes.backOff(code))
            || (code == MetaErrors.MARKETING_LIMIT && outcomes.retryLater());
    if (code == MetaErrors.MARKETING_STOPPED) {
      run.optedOut = true; // the inbox suppresses the number and signals the opt-out too
      return;
    }
    if (run.ended()) {
      return;
    }
    if (!resend) {
      stages.finish(Stage.FAILED, "WhatsApp error " + code);
      return;
    }
    if (code == MetaErrors.RE_ENGAGEMENT_REQUIRED) {
      stages.record("template_fallback", failed.wamid(), "131047 outside the 24 h window");
    }
    int before = run.messages.size();
    sending.step(failed.step(), purpose, template || code == MetaErrors.RE_ENGAGEMENT_REQUIRED);
    if (!run.ended() && run.messages.size() == before) {
      stages.finish(Stage.FAILED, "WhatsApp error " + code + ": no resend went out");
    }
  }
}
