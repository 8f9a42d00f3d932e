package com.salesagent.workflows.lead;

import java.util.List;

/**
 * A lead workflow for tests of other workflows that signal leads (kill-switch, media): every
 * handler does nothing; a test's subclass overrides {@code run} and the handlers it listens to.
 */
public abstract class IdleLeadWorkflow implements LeadWorkflow {
  @Override
  public void messageStatus(MessageStatusSignal status) {}

  @Override
  public void messageStatuses(List<MessageStatusSignal> statuses) {}

  @Override
  public void inboundMessage(InboundMessageSignal message) {}

  @Override
  public void outcome(OutcomeSignal outcome) {}

  @Override
  public void optOut(OptOutSignal optOut) {}

  @Override
  public void ownerAction(OwnerAction action) {}

  @Override
  public void ownerReply(OwnerReply reply) {}

  @Override
  public void ownerGone(String ownerId, java.time.Instant takenAt) {}

  @Override
  public void ownerAvailable(String ownerId) {}

  @Override
  public void ownerReleased(OwnerRelease release) {}

  @Override
  public void meetingBooked(MeetingBooked meeting) {}

  @Override
  public void variantDisabled(String variantId) {}

  @Override
  public void senderResumed(String phoneNumberId) {}

  @Override
  public void pause() {}

  @Override
  public void resume() {}

  @Override
  public void stop(String reason) {}

  @Override
  public ApprovalResult approval(ApprovalDecision decision) {
    return null;
  }

  @Override
  public void validateApproval(ApprovalDecision decision) {}

  @Override
  public DeliveryDecision resolveDelivery(DeliveryDecision decision) {
    return null;
  }

  @Override
  public void validateDelivery(DeliveryDecision decision) {}

  @Override
  public LeadState state() {
    return null;
  }
}
