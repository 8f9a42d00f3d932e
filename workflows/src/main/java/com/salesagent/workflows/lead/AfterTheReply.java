package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;
import java.time.Instant;

/**
 * What happens once a lead replied with interest (DESIGN.md section 3): it stays interested until
 * an operator's outcome; it is handed to a sales rep ({@code owners}) whose SLA is watched (a
 * reminder halfway, then another owner); people write to it through its own send path; not
 * converted within its segment's window it gets a re-engagement, at most its policy's number, then
 * it is lost. Deterministic like the rest of the lifecycle.
 */
final class AfterTheReply {
  /**
   * Version 1: a reply with interest does not end the lifecycle: the lead is INTERESTED until an
   * operator sets its outcome (converted, lost); not converted within its segment's window, it gets
   * a re-engagement (at most its policy's number), then it is lost.
   */
  static final String AFTER_THE_REPLY = "after-the-reply";

  /**
   * Version 1: an interested lead is handed to a sales rep (HANDED_OFF) with an SLA: reminded
   * halfway, reassigned at the deadline; a person's action makes it IN_CONVERSATION.
   */
  static final String HAND_OFF = "hand-off";

  /** Version 1: messages people write to the lead go out through its send path. */
  static final String OWNER_REPLIES = "owner-replies";

  /**
   * Version 1: a reply a person should answer (an objection, a question, anything without interest
   * that is neither a "not now" with a date nor wrong person) goes to an owner when one can take
   * it, and the lifecycle goes on (the owner writes through it) until an outcome or the
   * conversation goes quiet; with nobody to take it the lead ends replied, as before.
   */
  static final String PERSON_FOR_REPLIES = "person-for-replies";

  /**
   * Version 1: after a reply with interest or one a person answers, the agent drafts an answer from
   * the knowledge base (beside the lifecycle: nothing waits for it), held for a person.
   */
  static final String DRAFT_ANSWERS = "draft-answers";

  /**
   * Version 1: a booked meeting makes an interested lead MEETING_BOOKED (its owner has acted), and
   * its re-engagement window starts again from the meeting.
   */
  static final String MEETING_BOOKED = "meeting-booked";

  /**
   * Version 1: a draft good enough for the segment's auto-send (stored to go by the activity) is
   * queued like a person's message and sent through the lead's send path, without counting as the
   * owner's action.
   */
  static final String AUTO_SEND_DRAFTS = "auto-send-drafts";

  /**
   * Version 1: a reply that lands while an earlier one's hand-off is being decided is kept for the
   * loop to act on (it was cleared with the earlier one: "¿quién eres?" then "¿cuánto cuesta?" lost
   * the interest).
   */
  static final String REPLY_DURING_HAND_OFF = "reply-during-hand-off";

  /**
   * Version 1: an interested lead's re-engagement window (and, after the last re-engagement, its
   * close as lost) counts from the last message it was sent that did not fail, a rep's or the
   * agent's, when that is later than the interest, the meeting or the last re-engagement: the agent
   * no longer nudges a lead a day after its rep wrote to it.
   */
  static final String MESSAGE_TIMES_RE_ENGAGEMENT = "message-times-re-engagement";

  /**
   * Version 1: a person's message that met the owner's SLA and that WhatsApp then failed (the lead
   * never got it) reopens the SLA: handed off again, from the failure (see {@link
   * HandOffClock#answerFailed}).
   */
  static final String ANSWER_FAILED_REOPENS = "answer-failed-reopens";

  /** Intents of replies a person answers (opt-outs and "not now" have their own paths). */
  static final java.util.Set<String> PERSON_INTENTS =
      java.util.Set.of("objection", "other", "needs_review", "question");

  private final LeadRun run;
  private final LeadStubs stubs;
  private final Stages stages;
  private final Waits waits;
  private final Sending sending;
  private final HandOffClock handOffs;
  private final OwnerReplies ownerReplies;
  private final AnswerDrafts drafts;
  private LeadPolicy policy;

  AfterTheReply(LeadRun run, LeadStubs stubs, Stages stages, Waits waits, Sending sending) {
    this.run = run;
    this.stubs = stubs;
    this.stages = stages;
    this.waits = waits;
    this.sending = sending;
    this.handOffs = new HandOffClock(run, stubs, stages);
    this.ownerReplies = new OwnerReplies(run, stages, sending, handOffs);
    this.drafts = new AnswerDrafts(run, stubs, stages);
  }

  void policy(LeadPolicy policy) {
    this.policy = policy;
    handOffs.policy(policy);
  }

  /**
   * The reply that ended the sequence showed interest, or came from a lead already interested (the
   * conversation goes on), and nothing outranks it (no opt-out, stop or operator's outcome): the
   * lifecycle goes on. Runs recorded before version 1 end as replied.
   */
  boolean interestedReply() {
    return replyStands()
        && ("interested".equals(run.lastReplyIntent) || run.interestedAt != null)
        && Workflow.getVersion(AFTER_THE_REPLY, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
  }

  /**
   * The reply that ended the sequence needs a person ({@link #PERSON_INTENTS}), nothing outranks
   * it, and the lead is not interested (that path applies): hand it to an owner and go on.
   */
  boolean personReply() {
    return replyStands()
        && run.interestedAt == null
        && run.lastReplyIntent != null
        && PERSON_INTENTS.contains(run.lastReplyIntent)
        && Workflow.getVersion(PERSON_FOR_REPLIES, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
  }

  /**
   * Hands the reply to a person: the lead's owner (a reply again), or a new hand-off. With nobody
   * to take it now the reply ends the lead as before (replied: the operators' leads list).
   */
  void toPerson() {
    String intent = run.lastReplyIntent;
    String replyId = run.lastReplyMessageId;
    boolean again = run.conversationAt != null;
    if (run.ownerId == null) {
      OwnerAssignment assigned = handOffs.assign();
      if (assigned.ownerId() == null) {
        // Acted on (nobody to take it): never taken again after an outcome that lands meanwhile.
        if (run.lastReply != null && java.util.Objects.equals(replyId, run.lastReply.messageId())) {
          run.lastReply = null;
        }
        return; // replied stays: the loop ends the lead replied
      }
    }
    // A newer reply that came while the hand-off was decided is the loop's next to act on: only
    // the reply handed off here is cleared (runs before the version cleared the newer one too).
    boolean newer =
        !java.util.Objects.equals(replyId, run.lastReplyMessageId)
            && Workflow.getVersion(REPLY_DURING_HAND_OFF, Workflow.DEFAULT_VERSION, 1)
                != Workflow.DEFAULT_VERSION;
    draft(newer ? replyId : run.lastReplyMessageId);
    if (!newer) {
      run.replied = false;
      run.lastReply = null; // acted on: never taken again after an outcome
      run.endedBy = null;
      run.lastReplyIntent = null;
    }
    run.conversationAt = stages.now();
    stages.set(
        handOffs.stage(),
        handOffs.ownerClockAction(),
        handOffs.ownerClock() != null ? handOffs.ownerClock() : quietDeadline(),
        again ? "replied_again" : "handed_off",
        (again ? "" : "owner " + run.ownerId + ": ") + intent + " reply, a person answers",
        newer ? replyId : run.lastReplyMessageId);
    if (newer) {
      // Acted on now, before the loop would end the lead on it as a plain reply.
      if (interestedReply()) {
        interested();
      } else if (personReply()) {
        toPerson();
      }
    }
  }

  /** Drafts an answer to the latest reply ({@link AnswerDrafts}). */
  private void draft() {
    drafts.draft(run.lastReplyMessageId);
  }

  private void draft(String replyId) {
    drafts.draft(replyId);
  }

  private Instant quietDeadline() {
    return run.conversationAt.plus(policy.reEngagementDelay());
  }

  /** A reply ended the sequence and nothing outranks it (an opt-out, a stop, an outcome). */
  private boolean replyStands() {
    return run.replied
        && !run.optedOut
        && !run.stopped
        && run.requestedOutcome == null
        && run.endedBy == Stage.REPLIED
        && !run.stage.terminal();
  }

  /** The lead is interested (again: its clock and re-engagements start over). */
  void interested() {
    boolean again = run.interestedAt != null;
    run.replied = false;
    run.lastReply = null; // acted on: never taken again after an outcome
    run.endedBy = null;
    run.lastReplyIntent = null;
    run.interestedAt = stages.now();
    run.interestMessageId = run.lastReplyMessageId;
    run.reEngagementsSent = 0;
    run.lastReEngagementAt = null;
    run.conversationAt = null;
    draft();
    if (!again
        && run.ownerId == null
        && Workflow.getVersion(HAND_OFF, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION) {
      run.handOffWanted = true;
    } else if (again && run.ownerId == null && run.releasedAt != null) {
      // Given back to the agent, the lead wrote with interest again: a person answers it
      // (releasedAt is only ever set under OwnerReleases's OWNER_RELEASE version).
      run.handOffWanted = true;
    }
    stages.set(
        handOffs.stage(),
        "re_engage",
        run.interestedAt.plus(policy.reEngagementDelay()),
        again ? "replied_again" : "interested",
        again ? "the conversation goes on" : "interested: waiting for an outcome",
        run.lastReplyMessageId);
  }

  /**
   * An interested lead: its hand-off first, a person's action recorded; then, until an operator's
   * outcome (or an opt-out, a stop, a new reply, a snooze), whichever comes first of the owner's
   * SLA (reminder, reassignment) and the re-engagement once its window passes without an outcome,
   * at most {@code reEngagements()} times; after the last one's window, the lead is lost.
   */
  void awaitConversion() {
    if (run.ownerGone != null) {
      handOffs.ownerGone();
    }
    if (run.ownerReleased != null) {
      handOffs.released();
    }
    handOffs.answerFailed();
    if (run.pendingMeeting != null) {
      meeting(run.pendingMeeting);
      return;
    }
    if (run.handOffWanted) {
      handOffs.handOff();
      return;
    }
    if (run.ownerAction != null) {
      handOffs.acted(run.ownerAction);
      return;
    }
    if (run.interestedAt == null) {
      awaitPerson();
      return;
    }
    int seen = run.changes;
    Instant since = run.lastReEngagementAt != null ? run.lastReEngagementAt : run.interestedAt;
    if (run.meetingAt != null && run.meetingAt.isAfter(since)) {
      since = run.meetingAt; // no re-engagement before the meeting, the window from it
    }
    Instant lastSent = run.lastMessageSentAt();
    if (lastSent != null
        && lastSent.isAfter(since)
        && Workflow.getVersion(MESSAGE_TIMES_RE_ENGAGEMENT, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION) {
      since = lastSent; // a rep's (or the agent's) message: the window starts again
    }
    Instant due = since.plus(policy.reEngagementDelay());
    boolean closing = run.reEngagementsSent >= policy.reEngagements();
    Instant owner = handOffs.ownerClock();
    boolean ownerFirst = owner != null && owner.isBefore(due);
    String action = ownerFirst ? handOffs.ownerClockAction() : closing ? "close_lost" : "re_engage";
    Instant wake = ownerFirst ? owner : due;
    stages.set(handOffs.stage(), action, wake, null, null);
    if (!waits.undisturbedUntil(wake, seen)) {
      return; // ended, something changed, or time to continue as new: the loop decides again
    }
    if (ownerFirst) {
      handOffs.ownerClockDue();
      return;
    }
    if (closing) {
      stages.finish(
          Stage.LOST,
          "interested, not converted after " + run.reEngagementsSent + " re-engagements");
      return;
    }
    run.reEngagementsSent++;
    sending.step(run.followUpsSent + run.reEngagementsSent, "re_engagement", false);
    run.lastReEngagementAt = stages.now();
  }

  /**
   * A booked meeting: recorded with its time and source; an owner who had not acted yet has (the
   * SLA is met); re-engagements start over, their window counted from the meeting. Runs recorded
   * before version 1 never got the signal.
   */
  private void meeting(MeetingBooked meeting) {
    run.pendingMeeting = null;
    if (Workflow.getVersion(MEETING_BOOKED, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return;
    }
    if (run.interestedAt == null) {
      run.interestedAt = stages.now(); // a conversation a person had: now interested
      run.interestMessageId = null; // with no reply of its own
    }
    if (run.ownerId != null && run.ownerActedAt == null) {
      handOffs.acted(new OwnerAction(run.ownerId, "meeting_booked", meeting.by()));
    }
    run.meetingAt = meeting.at();
    run.reEngagementsSent = 0;
    run.lastReEngagementAt = null;
    run.conversationAt = null;
    stages.set(
        Stage.MEETING_BOOKED,
        "re_engage",
        meeting.at().plus(policy.reEngagementDelay()),
        "meeting_booked",
        MeetingBooked.timelineDetail(meeting),
        null);
  }

  /**
   * A reply a person answers: the owner's SLA as for an interested lead; no re-engagement (the lead
   * did not ask for more); quiet for the segment's re-engagement window since the reply (or a
   * person's last message), the lead ends replied.
   */
  private void awaitPerson() {
    int seen = run.changes;
    Instant quiet = quietDeadline();
    Instant owner = handOffs.ownerClock();
    boolean ownerFirst = owner != null && owner.isBefore(quiet);
    Instant wake = ownerFirst ? owner : quiet;
    stages.set(
        handOffs.stage(),
        ownerFirst ? handOffs.ownerClockAction() : "close_conversation",
        wake,
        null,
        null);
    if (!waits.undisturbedUntil(wake, seen)) {
      return;
    }
    if (ownerFirst) {
      handOffs.ownerClockDue();
      return;
    }
    stages.finish(
        Stage.REPLIED, "replied; the conversation went quiet for " + policy.reEngagementDelay());
  }

  /** The first message people asked to send ({@link OwnerReplies#next}). */
  void ownerReply() {
    ownerReplies.next();
  }

  /**
   * The lead resumed after a pause that began at {@code pausedAt}: see {@link
   * HandOffClock#resumed}.
   */
  Instant resumed(Instant pausedAt) {
    return handOffs.resumed(pausedAt);
  }
}
