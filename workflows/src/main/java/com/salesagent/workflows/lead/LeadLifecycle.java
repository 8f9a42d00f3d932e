package com.salesagent.workflows.lead;

import com.salesagent.temporal.LeadSearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;

/**
 * The lead lifecycle (DESIGN.md section 3): research, persona and segment, variant, then the send
 * sequence: first contact, then wait on statuses, replies and timers, follow-ups, outcome. Every
 * wait honours pause, stop and opt-out ({@link Waits}); everything the lifecycle knows lives in one
 * {@link LeadRun}, carried whole across continue-as-new. Deterministic: only Workflow.* for time,
 * waits and randomness.
 */
final class LeadLifecycle implements LeadWorkflow {
  static final String FIRST_CONTACT = "first_contact";

  /** Version 1: research is scheduled on TaskQueues.RESEARCH instead of the leads queue. */
  static final String RESEARCH_QUEUE_CHANGE = "research-queue";

  /**
   * Version 1: after a snooze, before the agreed follow-up, the lead's segment is matched again
   * (the reply that snoozed it changed its persona); a new segment brings its policy.
   */
  static final String SEGMENT_REMATCH = "segment-rematch";

  /**
   * Version 1: the lead is matched to a segment again once research is done (a research topic may
   * define its segment; the profile step ran beside the research) and before each send (its persona
   * or the operators' segments may have changed), each time inside the activity that follows
   * (matchAndAssign, composeAndSendInSegment): no round trip more on the way to a message. A move
   * is recorded and its segment's policy applies from there. The separate match after a snooze
   * (segment-rematch) is then the follow-up's own.
   */
  static final String SEGMENT_AT_SEND = "segment-at-send";

  /** Version 1: the first steps overlap (see beginOverlapped); research on TaskQueues.RESEARCH. */
  static final String OVERLAPPED_FIRST_STEPS = "overlapped-first-steps";

  /**
   * Version 1: the lead's own MongoDB steps (LeadActivities: records, stage, profile, policy,
   * variant) run as local activities, inside the workflow task that asks for them (see LeadStubs).
   */
  static final String LOCAL_LEAD_STEPS = "local-lead-steps";

  /**
   * Version 1: a reply that lands while the lifecycle acts on the lead's reply before it (the
   * interest or the hand-off being recorded, slowly when MongoDB is) is acted on next (an
   * interested lead's "how much?": the conversation goes on). Before, the loop went on to end the
   * lead replied on it: an interested lead, its hand-off wanted, ended as a plain reply.
   */
  static final String REPLY_WHILE_ACTING = "reply-while-acting";

  /** People's messages waiting to go out at once, at most (more are dropped: a runaway client). */
  static final int MAX_PENDING_REPLIES = 20;

  private final int continueAsNewAfterEvents;
  private LeadRun run = new LeadRun();
  private LeadStubs stubs;
  private Stages stages;
  private Waits waits;
  private Approvals approvals;
  private Sending sending;
  private AfterTheReply afterTheReply;
  private FollowUps followUps;
  private RunEnds ends;
  private LeadPolicy policy;

  LeadLifecycle(int continueAsNewAfterEvents) {
    this.continueAsNewAfterEvents = continueAsNewAfterEvents;
  }

  /** Takes the input's state and builds the steps: signals may be applied from here on. */
  void prepare(LeadInput input) {
    if (input.run() != null) {
      run = input.run();
    } else if (input.carried() != null) {
      run = RunStarts.from(input, input.carried());
    } else {
      run.leadId = input.leadId();
      run.campaignId = input.campaignId();
      run.inboundIdsWhole = true; // told of every message from here (ReleaseOrder)
    }
    stubs =
        new LeadStubs(
            Workflow.getVersion(LOCAL_LEAD_STEPS, Workflow.DEFAULT_VERSION, 1)
                != Workflow.DEFAULT_VERSION);
    stages = new Stages(run, stubs.leads);
    waits = new Waits(run, stages, continueAsNewAfterEvents);
    approvals = new Approvals(run, stages, waits, stubs.leads);
    sending = new Sending(run, stubs, stages, waits, approvals);
    sending.onSegmentMatched(this::moved);
    afterTheReply = new AfterTheReply(run, stubs, stages, waits, sending);
    waits.onResume(afterTheReply::resumed);
    followUps = new FollowUps(run, stubs, stages, waits, sending, this::moved);
    ends = new RunEnds(run, stages);
    // An ended run's state: the lead wrote again (LeadReopening). Made live before any signal is
    // applied, so the message that started this run decides alone. A continue-as-new never
    // carries an ended run, so no recorded run takes this path.
    ends.reopenAtStart();
  }

  @Override
  public LeadState run(LeadInput input) {
    if (stages == null) {
      prepare(input);
    }
    try {
      if (input.run() == null && input.carried() == null) {
        begin();
      } else {
        resume(input.carried() != null);
      }
      ends.recordReopened();
      sequence();
      while (ends.reopenedInPlace()) {
        sequence();
      }
    } catch (ActivityFailure e) {
      // A step that cannot work for good (an unknown lead, no variant): the outcome says why,
      // instead of a failed workflow behind a live-looking stage.
      stages.finish(Stage.FAILED, e.getActivityType() + " failed: " + Sending.reason(e));
    }
    return run.result();
  }

  private void begin() {
    if (Workflow.getVersion(OVERLAPPED_FIRST_STEPS, Workflow.DEFAULT_VERSION, 1)
        != Workflow.DEFAULT_VERSION) {
      beginOverlapped();
      return;
    }
    stages.set(Stage.RESEARCHING, null, null, "research_started", null);
    // Runs recorded before research had its own task queue scheduled it on the leads queue.
    ResearchActivities research =
        Workflow.getVersion(RESEARCH_QUEUE_CHANGE, Workflow.DEFAULT_VERSION, 1)
                == Workflow.DEFAULT_VERSION
            ? stubs.researchOnLeadsQueue
            : stubs.research;
    int chunks = research.research(run.leadId);
    LeadProfile profile = stubs.leads.profile(run.leadId);
    run.segment = profile.segment();
    run.timezone = profile.timezone();
    policy(stubs.leads.policy(run.leadId, run.segment));
    stages.record("researched", null, chunks + " research chunks; segment " + run.segment);
    VariantAssignment assignment = stubs.leads.assignVariant(run.leadId, run.segment);
    assigned(assignment);
  }

  /**
   * Version 1 of "overlapped-first-steps": the lead's first steps without waiting on each other
   * where nothing depends on the other's result. The research_started record, the research and the
   * profile then policy run at once (profile and policy only read the contact and write the persona
   * and segment); the variant is assigned once research succeeded, as before (a lead whose research
   * fails counts no assignment), while the "researched" record is written. Each timeline record is
   * awaited before the next one is written, so the timeline keeps its order. Four round trips fewer
   * before the first message.
   */
  private void beginOverlapped() {
    Promise<Void> started =
        stages.setAsync(Stage.RESEARCHING, null, null, "research_started", null);
    Promise<Integer> chunks = Async.function(stubs.research::research, run.leadId);
    LeadProfile profile = stubs.leads.profile(run.leadId);
    run.segment = profile.segment();
    run.timezone = profile.timezone();
    policy(stubs.leads.policy(run.leadId, run.segment));
    started.get();
    int count = chunks.get();
    Promise<Void> researched =
        stages.recordAsync("researched", null, count + " research chunks; segment " + run.segment);
    boolean matchAfterResearch =
        Workflow.getVersion(SEGMENT_AT_SEND, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    VariantAssignment assignment =
        matchAfterResearch
            ? stubs.leads.matchAndAssign(run.leadId, run.segment)
            : stubs.leads.assignVariant(run.leadId, run.segment);
    researched.get();
    if (matchAfterResearch) {
      moved(assignment.segment());
    }
    assigned(assignment);
  }

  private void assigned(VariantAssignment assignment) {
    Workflow.upsertTypedSearchAttributes(LeadSearchAttributes.SEGMENT.valueSet(run.segment));
    stages.variant(assignment.variantId());
    stages.set(
        Stage.ASSIGNED,
        "send_" + FIRST_CONTACT,
        stages.now(),
        "variant_assigned",
        assignment.strategy() + ": " + run.variantId);
  }

  /** A continued run: the policy is read again (an operator may have changed it). */
  private void resume(boolean fromFirstVersion) {
    if (fromFirstVersion) {
      run.timezone = stubs.leads.profile(run.leadId).timezone();
    }
    policy(stubs.leads.policy(run.leadId, run.segment));
  }

  private void policy(LeadPolicy policy) {
    this.policy = policy;
    sending.policy(policy);
    afterTheReply.policy(policy);
    followUps.policy(policy);
  }

  /**
   * A reply that landed while the loop acted on the one before ({@code actedOn}: its record, its
   * hand-off), and stands (nothing outranks it): from version 1 of {@link #REPLY_WHILE_ACTING} the
   * loop acts on it next, as on one a moment later.
   */
  private boolean newerReply(String actedOn) {
    return run.replied
        && run.endedBy == Stage.REPLIED
        && !run.optedOut
        && !run.stopped
        && run.requestedOutcome == null
        && run.lastReplyMessageId != null
        && !run.lastReplyMessageId.equals(actedOn)
        && Workflow.getVersion(REPLY_WHILE_ACTING, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
  }

  /** The follow-up policy of the segment, until an outcome. */
  private void sequence() {
    while (true) {
      String actedOn = run.lastReplyMessageId;
      boolean acted = true;
      if (afterTheReply.interestedReply()) {
        followUps.snoozeAnswered();
        afterTheReply.interested();
      } else if (afterTheReply.personReply()) {
        followUps.snoozeAnswered();
        afterTheReply.toPerson();
      } else {
        acted = false;
      }
      if (acted && newerReply(actedOn)) {
        continue;
      }
      if (stages.finishIfEnded()) {
        ends.repliedAfterTheStop();
        ends.takenWithTheOutcome();
        return;
      }
      if (waits.historyFull()) {
        Workflow.continueAsNew(new LeadInput(run.leadId, run.campaignId, null, run));
      }
      if (run.paused) {
        waits.pause();
        continue;
      }
      if (!run.ownerReplies.isEmpty()) {
        afterTheReply.ownerReply();
        continue;
      }
      if (run.snoozeUntil != null) {
        followUps.snooze();
        continue;
      }
      if (run.interestedAt != null || run.conversationAt != null) {
        afterTheReply.awaitConversion();
        continue;
      }
      MessageView last = run.lastSequenceMessage();
      if (last == null) {
        sending.step(0, FIRST_CONTACT, false);
      } else if ("failed".equals(last.status())) {
        followUps.afterFailure(last);
      } else {
        followUps.awaitNextFollowUp(last);
      }
    }
  }

  /**
   * The segment the persona matches now: a change is recorded in the timeline and the search
   * attribute, and the new segment's policy applies from here (the variant stays: the conversation
   * keeps its angle).
   */
  private void moved(String now) {
    if (now == null || now.equals(run.segment)) {
      return;
    }
    String before = run.segment;
    run.segment = now;
    Workflow.upsertTypedSearchAttributes(LeadSearchAttributes.SEGMENT.valueSet(now));
    policy(stubs.leads.policy(run.leadId, now));
    stages.record("segment_changed", null, before + " -> " + now);
  }

  // ---- signals, updates and the query

  @Override
  public void messageStatus(MessageStatusSignal status) {
    Signals.status(run, status);
  }

  @Override
  public void messageStatuses(List<MessageStatusSignal> statuses) {
    statuses.forEach(this::messageStatus);
  }

  @Override
  public void inboundMessage(InboundMessageSignal message) {
    if (RepeatedReplies.repeated(run, message)) {
      return;
    }
    ends.taken(message);
    Signals.inbound(run, message, Instant.ofEpochMilli(Workflow.currentTimeMillis()));
  }

  @Override
  public void ownerAction(OwnerAction action) {
    OperatorSignals.ownerAction(run, action);
  }

  @Override
  public void meetingBooked(MeetingBooked meeting) {
    OperatorSignals.meetingBooked(run, meeting);
  }

  @Override
  public void ownerGone(String ownerId, Instant takenAt) {
    OperatorSignals.ownerGone(run, ownerId, takenAt);
  }

  /** Only for an interested lead its owner holds: the release names them. */
  @Override
  public void ownerReleased(OwnerRelease release) {
    OperatorSignals.ownerReleased(run, release);
  }

  /** Only for an interested lead nobody holds (a person has not taken it either). */
  @Override
  public void ownerAvailable(String ownerId) {
    OperatorSignals.ownerAvailable(run, ownerId);
  }

  @Override
  public void ownerReply(OwnerReply reply) {
    OperatorSignals.ownerReply(run, reply);
  }

  @Override
  public void optOut(OptOutSignal optOut) {
    run.optedOut = true;
  }

  @Override
  public void outcome(OutcomeSignal outcome) {
    OperatorSignals.outcome(run, outcome);
  }

  @Override
  public void variantDisabled(String variantId) {
    if (variantId != null) {
      run.disabledVariants.add(variantId);
    }
  }

  @Override
  public void senderResumed(String phoneNumberId) {
    run.senderResumes++;
  }

  @Override
  public void pause() {
    run.paused = true;
  }

  @Override
  public void resume() {
    run.paused = false;
  }

  @Override
  public void stop(String reason) {
    OperatorSignals.stop(run, reason);
  }

  @Override
  public void validateApproval(ApprovalDecision decision) {
    approvals.validateApproval(decision);
  }

  @Override
  public ApprovalResult approval(ApprovalDecision decision) {
    return approvals.approve(decision);
  }

  @Override
  public void validateDelivery(DeliveryDecision decision) {
    approvals.validateDelivery(decision);
  }

  @Override
  public DeliveryDecision resolveDelivery(DeliveryDecision decision) {
    return approvals.decideDelivery(decision);
  }

  @Override
  public LeadState state() {
    return run.view();
  }
}
