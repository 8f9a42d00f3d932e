package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The registered implementation of {@link LeadWorkflow}: it picks, once per run and recorded in
 * history, the version of the lifecycle the run follows: {@link LeadLifecycleV0} (frozen) for runs
 * whose history predates the "lifecycle" version, {@link LeadLifecycle} for every other. Signals
 * and updates go to the chosen one; a signal that arrives before the choice waits for it.
 */
public class LeadWorkflowImpl implements LeadWorkflow {
  static final int CONTINUE_AS_NEW_AFTER_EVENTS = 4000;

  private final int continueAsNewAfterEvents;
  private LeadWorkflow active;
  private final List<Consumer<LeadWorkflow>> early = new ArrayList<>();

  public LeadWorkflowImpl() {
    this(CONTINUE_AS_NEW_AFTER_EVENTS);
  }

  /** Tests lower the history length that triggers continue-as-new. */
  LeadWorkflowImpl(int continueAsNewAfterEvents) {
    this.continueAsNewAfterEvents = continueAsNewAfterEvents;
  }

  @Override
  public LeadState run(LeadInput input) {
    int version = Workflow.getVersion("lifecycle", Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION) {
      active = new LeadLifecycleV0(continueAsNewAfterEvents);
    } else {
      LeadLifecycle lifecycle = new LeadLifecycle(continueAsNewAfterEvents);
      lifecycle.prepare(input);
      active = lifecycle;
    }
    early.forEach(signal -> signal.accept(active));
    early.clear();
    return active.run(input);
  }

  private void deliver(Consumer<LeadWorkflow> signal) {
    if (active == null) {
      early.add(signal);
    } else {
      signal.accept(active);
    }
  }

  private LeadWorkflow started() {
    if (active == null) {
      throw new IllegalStateException("the lead's workflow has not started yet: try again");
    }
    return active;
  }

  @Override
  public void messageStatus(MessageStatusSignal status) {
    deliver(w -> w.messageStatus(status));
  }

  @Override
  public void messageStatuses(List<MessageStatusSignal> statuses) {
    List<MessageStatusSignal> copy = List.copyOf(statuses);
    deliver(w -> copy.forEach(w::messageStatus));
  }

  @Override
  public void inboundMessage(InboundMessageSignal message) {
    deliver(w -> w.inboundMessage(message));
  }

  @Override
  public void outcome(OutcomeSignal outcome) {
    deliver(w -> w.outcome(outcome));
  }

  @Override
  public void optOut(OptOutSignal optOut) {
    deliver(w -> w.optOut(optOut));
  }

  @Override
  public void ownerAction(OwnerAction action) {
    deliver(w -> w.ownerAction(action));
  }

  @Override
  public void ownerGone(String ownerId, Instant takenAt) {
    deliver(w -> w.ownerGone(ownerId, takenAt));
  }

  @Override
  public void ownerAvailable(String ownerId) {
    deliver(w -> w.ownerAvailable(ownerId));
  }

  @Override
  public void ownerReleased(OwnerRelease release) {
    deliver(w -> w.ownerReleased(release));
  }

  @Override
  public void meetingBooked(MeetingBooked meeting) {
    deliver(w -> w.meetingBooked(meeting));
  }

  @Override
  public void ownerReply(OwnerReply reply) {
    deliver(w -> w.ownerReply(reply));
  }

  @Override
  public void variantDisabled(String variantId) {
    deliver(w -> w.variantDisabled(variantId));
  }

  @Override
  public void senderResumed(String phoneNumberId) {
    deliver(w -> w.senderResumed(phoneNumberId));
  }

  @Override
  public void pause() {
    deliver(LeadWorkflow::pause);
  }

  @Override
  public void resume() {
    deliver(LeadWorkflow::resume);
  }

  @Override
  public void stop(String reason) {
    deliver(w -> w.stop(reason));
  }

  @Override
  public void validateApproval(ApprovalDecision decision) {
    started().validateApproval(decision);
  }

  @Override
  public ApprovalResult approval(ApprovalDecision decision) {
    return started().approval(decision);
  }

  @Override
  public void validateDelivery(DeliveryDecision decision) {
    started().validateDelivery(decision);
  }

  @Override
  public DeliveryDecision resolveDelivery(DeliveryDecision decision) {
    return started().resolveDelivery(decision);
  }

  @Override
  public LeadState state() {
    return active == null
        ? new LeadState(
            null, Stage.ENROLLED, null, null, null, null, 0, 0, false, null, null, List.of(), null)
        : active.state();
  }
}
