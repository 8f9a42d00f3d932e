package com.salesagent.workflows.lead;

/**
 * Where a run's state starts when it is not a new lead's: an ended run's state made live again for
 * the run a new message from the lead starts ({@link #reopen}), or what a run of the frozen first
 * version carried ({@link #from}). The state itself is {@link LeadRun}; deterministic, no I/O.
 */
final class RunStarts {
  private RunStarts() {}

  /**
   * The state of an ended run made live again for the run a new message from the lead starts
   * ({@link LeadReopening}): what the conversation has been is kept (messages and their statuses,
   * sends, follow-ups and hand-off attempts counted, so keys and attempts never repeat; segment,
   * variant, disabled variants), what ended it and every wait or person of the old run is cleared,
   * so the new message decides alone what comes next (interest hands the lead to an owner again, a
   * question to a person, a dated "not now" snoozes it). Returns the stage the lead had ended in.
   */
  static Stage reopen(LeadRun run) {
    Stage ended = run.stage;
    run.stage = Stage.AWAITING_RESPONSE;
    run.nextAction = null;
    run.nextActionAt = null;
    run.outcomeReason = null;
    run.paused = false;
    run.replied = false;
    run.stopped = false;
    run.endedBy = null;
    run.requestedOutcome = null;
    run.snoozeUntil = null;
    run.snoozeAnswered = false;
    run.lastReplyIntent = null;
    run.lastReplyMessageId = null;
    run.lastReply = null;
    run.interestedAt = null;
    run.interestMessageId = null;
    run.conversationAt = null;
    run.lastReEngagementAt = null;
    run.reEngagementsSent = 0;
    run.rateLimitRetries = 0;
    run.marketingLimitRetries = 0;
    run.senderChecks = 0;
    run.handOffWanted = false;
    run.previousOwnerId = run.ownerId;
    run.ownerId = null;
    // Not reset: the hand-off's attempts go on from the ended run's (each attempt is claimed once
    // in MongoDB; attempt 1 again was answered as a retry of the old assignment, or refused).
    run.ownerRemindAt = null;
    run.ownerDueAt = null;
    run.ownerReminded = false;
    run.handOffRetryAt = null;
    run.ownerGone = null;
    run.assigning = false;
    run.goneMeanwhile.clear();
    run.ownerReleased = null;
    run.releasedAt = null;
    run.ownerActedAt = null;
    run.ownerAction = null;
    run.pendingMeeting = null;
    run.meetingAt = null;
    run.ownerReplies.clear();
    run.withOutcome.clear();
    run.awaitingTranscript = null;
    run.awaitingTranscriptSince = null;
    run.pendingApproval = null;
    run.pendingIsTemplate = false;
    run.approvalDecision = null;
    run.unknownSend = null;
    run.deliveryDecision = null;
    run.deliveryHeldAt = null;
    return ended;
  }

  /** A run of the frozen first version continues here: what its state carried. */
  static LeadRun from(LeadInput input, LeadState carried) {
    LeadRun run = new LeadRun();
    run.leadId = input.leadId();
    run.campaignId = input.campaignId();
    run.segment = carried.segment();
    run.variantId = carried.variantId();
    run.stage = carried.stage();
    run.nextAction = carried.nextAction();
    run.nextActionAt = carried.nextActionAt();
    run.followUpsSent = carried.followUpsSent();
    run.sendAttempts = carried.sendAttempts();
    run.paused = carried.paused();
    run.lastInboundAt = carried.lastInboundAt();
    run.outcomeReason = carried.outcomeReason();
    run.messages.addAll(carried.messages());
    return run;
  }
}
