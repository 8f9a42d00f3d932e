package com.salesagent.workflows.lead;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Everything a lead's lifecycle knows, in one object: the workflow keeps no other state, and
 * continue-as-new carries this whole, so a field added here cannot be forgotten there. Plain public
 * fields so the data converter (Jackson) carries every one of them. No personal data: ids, stages,
 * times, counters.
 */
public final class LeadRun {
  public String leadId;
  public String campaignId;
  public String segment;
  public String variantId;
  public String timezone;

  public Stage stage = Stage.ENROLLED;
  public String nextAction;
  public Instant nextActionAt;
  public String outcomeReason;

  /** Follow-ups sent (the snooze's agreed follow-up included): step numbers of follow-ups. */
  public int followUpsSent;

  /** Compositions so far: each has its own idempotency key (lead-<id>-send-<n>). */
  public int sendAttempts;

  /** Consecutive throttling refusals of the current step. */
  public int rateLimitRetries;

  /** Meta's per-user marketing limit refusals of the current step. */
  public int marketingLimitRetries;

  /** Checks of a paused business number since the last accepted send (the wait grows). */
  public int senderChecks;

  /** Operators' resumes of the lead's business number (senderResumed signals): wake its wait. */
  public int senderResumes;

  public boolean paused;
  public boolean replied;
  public boolean optedOut;
  public boolean stopped;

  /** Which of reply and stop came first (an opt-out outranks both): the outcome it gets. */
  public Stage endedBy;

  public Instant lastInboundAt;
  public Instant snoozeUntil;

  /**
   * The lead wrote a reply (not another "not now") after the snooze it is in was agreed: acted on,
   * the reply ends the snooze ({@link LeadLifecycle#SNOOZE_ANSWERED}).
   */
  public boolean snoozeAnswered;

  /** The look at the latest message's read in MongoDB ({@link ReadReceipts}), or null. */
  public ReadLook readLook;

  /** The workflow looked at message {@code wamid}'s read receipt at {@code at} (workflow time). */
  public record ReadLook(String wamid, Instant at) {}

  /** The intent of the reply that ended the sequence (until the lifecycle acts on it). */
  public String lastReplyIntent;

  /** The message id of the lead's latest reply (what a drafted answer answers). */
  public String lastReplyMessageId;

  /** Since when the lead is interested (its latest reply while interested): null otherwise. */
  public Instant interestedAt;

  /**
   * The message id of the reply that made the lead interested (its latest, as {@link
   * #interestedAt}): null otherwise, or when the interest came with no reply (a booked meeting).
   */
  public String interestMessageId;

  /** Re-engagements sent since the lead's latest interested reply, and when the last went. */
  public int reEngagementsSent;

  public Instant lastReEngagementAt;

  /**
   * The hand-off to a sales rep (version "hand-off"): wanted once the lead is first interested; the
   * owner (an id), the attempt (1 first, then each reassignment), the SLA's reminder and deadline,
   * whether the reminder went, when to try again when no owner had capacity.
   */
  public boolean handOffWanted;

  public String ownerId;

  /**
   * The owner who held the lead when its previous run ended, in a run a new message from the lead
   * started ({@link RunStarts#reopen}): asked first at its next hand-off. Null otherwise.
   */
  public String previousOwnerId;

  public int handOffAttempt;
  public Instant ownerRemindAt;
  public Instant ownerDueAt;
  public boolean ownerReminded;
  public Instant handOffRetryAt;

  /**
   * Since when a person has the lead's conversation after a reply without interest (version
   * "person-for-replies"; the latest reply or person's message): null otherwise.
   */
  public Instant conversationAt;

  /** The lead's owner left (made inactive), until the lifecycle hands the lead on. */
  public String ownerGone;

  /** A hand-off's assignment is being decided (its activity runs): see {@link #goneMeanwhile}. */
  public boolean assigning;

  /**
   * Owners made inactive while the assignment was decided (version "owner-gone-while-assigning"):
   * the API signals a rep's leads once the assignment's writes are in, which can be before the run
   * records the rep as the owner; the assignment that names one of them hands the lead on.
   */
  public LinkedHashSet<String> goneMeanwhile = new LinkedHashSet<>();

  /** Its owner gave the interested lead back to the agent, until the lifecycle records it. */
  public OwnerRelease ownerReleased;

  /**
   * When its owner last gave the lead back to the agent (version "owner-release"), until it is
   * handed to a person again: its next reply with interest is handed off (not only the first).
   */
  public Instant releasedAt;

  /**
   * The takes (their hand-off's {@code acceptedAt}) releases the run was told of gave back, the
   * last {@link LateAcceptances#KEPT}, across its runs: their acceptance told again is dropped.
   */
  public ArrayList<Instant> releasedTakes = new ArrayList<>();

  /** When a person first acted on the lead (accepted it, wrote to it): the SLA is met. */
  public Instant ownerActedAt;

  /**
   * The person's message whose sending met the SLA (version "answer-failed-reopens"), while it may
   * still fail: null when the SLA was met otherwise (the lead taken, a meeting) or not at all.
   */
  public String slaMetByWamid;

  /** A person's action signalled, until the lifecycle records it. */
  public OwnerAction ownerAction;

  /** A booked meeting signalled, until the lifecycle records it. */
  public MeetingBooked pendingMeeting;

  /** When the booked meeting takes place (the latest booking): the lead is MEETING_BOOKED. */
  public Instant meetingAt;

  /** Messages people asked to send the lead, in order, until each is sent (or refused). */
  public ArrayList<OwnerReply> ownerReplies = new ArrayList<>();

  public int ownerRepliesSent;

  /**
   * The lead's messages that landed while this run was ending (its outcome being recorded), which
   * the run acts on before it ends ({@code RunEnds}: version "message-after-end").
   */
  public ArrayList<InboundMessageSignal> afterEnd = new ArrayList<>();

  /**
   * The lead's messages taken in while an operator's outcome waited to be recorded (at most 50):
   * acted on once it is, as {@link #afterEnd} ({@code RunEnds}: version "message-with-outcome").
   */
  public ArrayList<InboundMessageSignal> withOutcome = new ArrayList<>();

  /** Keys of people's messages taken from the queue (the last 50): a repeated signal is dropped. */
  public ArrayList<String> ownerReplyKeys = new ArrayList<>();

  /**
   * The lead's message that last ended the sequence as a reply (what {@link #lastReplyMessageId}
   * names): acted on after the end when an operator's outcome outranked it ({@code RunEnds}:
   * version "message-before-outcome"). Null in state carried from before it was kept.
   */
  public InboundMessageSignal lastReply;

  /**
   * Ids of the lead's messages the run was told of as a reply (at most the last {@code
   * RepeatedReplies.KEPT}, across its runs): the same message told again is a repeat ({@code
   * RepeatedReplies}: version "repeated-reply").
   */
  public ArrayList<String> repliesTaken = new ArrayList<>();

  /** An outcome an operator set (converted or lost), until the lifecycle records it. */
  public Stage requestedOutcome;

  /**
   * A voice note being transcribed (its message id): what the lead said decides what comes next, so
   * every wait holds until its triage arrives (Waits), at most {@code Waits.TRANSCRIPT_WAIT} after
   * {@link #awaitingTranscriptSince}.
   */
  public String awaitingTranscript;

  public Instant awaitingTranscriptSince;

  /** Voice notes whose triage arrived (at most the last 20): a late announcement is ignored. */
  public ArrayList<String> settledTranscripts = new ArrayList<>();

  /**
   * The ids of the lead's messages the run was told of, in that order (at most the last {@link
   * ReleaseOrder#KEPT}, across its runs): what decides whether interest came after the message a
   * rep saw when giving the lead back ({@link ReleaseOrder}).
   */
  public ArrayList<String> inboundIds = new ArrayList<>();

  /**
   * {@link #inboundIds} holds every message the lead's runs were told of since its first run: set
   * when a lead's first run starts; false when an id was dropped, and in state carried from a run
   * before the ids were kept (it lacks the field).
   */
  public boolean inboundIdsWhole;

  public ArrayList<MessageView> messages = new ArrayList<>();

  /** Statuses for wamids not in {@link #messages} yet (their send's answer not applied yet). */
  public LinkedHashMap<String, List<MessageStatusSignal>> earlyStatuses = new LinkedHashMap<>();

  /** Variants an operator disabled (a signal may arrive before the assignment is applied). */
  public LinkedHashSet<String> disabledVariants = new LinkedHashSet<>();

  /** The held message and the reviewer's decision, while one waits. */
  public String pendingApproval;

  public boolean pendingIsTemplate;
  public ApprovalDecision approvalDecision;

  /** A send whose fate is unknown, and the operator's decision on it, while one waits. */
  public UnknownSend unknownSend;

  public DeliveryDecision deliveryDecision;

  /**
   * The open hold of {@link #unknownSend} for an operator: when it was held (version 1 of {@link
   * Approvals#HOLD_IDENTITY}; null for a hold opened before), what a decision names as {@code
   * heldAt}.
   */
  public Instant deliveryHeldAt;

  /** Incremented by every signal that may change the next action: wakes the current wait. */
  public int changes;

  /** A send whose answer was lost: what to resend or resolve. */
  public record UnknownSend(
      String idempotencyKey, int step, boolean template, boolean useEdit, Instant since) {}

  public boolean variantSwitchPending() {
    return variantId != null && disabledVariants.contains(variantId);
  }

  /** The lead asked for no more (opt-out, reply, stop) or the lifecycle reached an outcome. */
  public boolean ended() {
    return replied || optedOut || stopped || requestedOutcome != null || stage.terminal();
  }

  public MessageView lastMessage() {
    return messages.isEmpty() ? null : messages.get(messages.size() - 1);
  }

  /** When the last message the lead was sent that did not fail was accepted, or null. */
  public Instant lastMessageSentAt() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      MessageView m = messages.get(i);
      if (!"failed".equals(m.status()) && m.sentAt() != null) {
        return m.sentAt();
      }
    }
    return null;
  }

  /**
   * The last message of the automated sequence: people's messages (kind {@code owner_*}) neither
   * start a follow-up clock nor are resent by it.
   */
  public MessageView lastSequenceMessage() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (!MessageView.isOwners(messages.get(i).kind())) {
        return messages.get(i);
      }
    }
    return null;
  }

  /**
   * The last person's message (kind {@code owner_*}) accepted since the sequence's last message and
   * not failed, or null.
   */
  public MessageView lastPersonMessage() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      MessageView m = messages.get(i);
      if (!MessageView.isOwners(m.kind())) {
        return null;
      }
      if (!"failed".equals(m.status())) {
        return m;
      }
    }
    return null;
  }

  /** The answer to the state query. */
  public LeadState view() {
    return view(null);
  }

  /** The run's result: its view, and the whole state for a run that may start from it. */
  public LeadState result() {
    return view(this);
  }

  private LeadState view(LeadRun ended) {
    return new LeadState(
        leadId,
        stage,
        segment,
        variantId,
        nextAction,
        nextActionAt,
        followUpsSent,
        sendAttempts,
        paused,
        lastInboundAt,
        outcomeReason,
        List.copyOf(messages),
        pendingApproval,
        unknownSend == null ? null : unknownSend.idempotencyKey(),
        ended);
  }
}
