package com.salesagent.workflows.lead;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Instant;
import java.util.List;

/** One durable workflow per lead, id {@code lead-<leadId>}: the whole lifecycle. */
@WorkflowInterface
public interface LeadWorkflow {
  static String workflowId(String leadId) {
    return "lead-" + leadId;
  }

  @WorkflowMethod
  LeadState run(LeadInput input);

  @SignalMethod
  void messageStatus(MessageStatusSignal status);

  /**
   * Several statuses of this lead's messages in one signal (the webhook inbox coalesces what one
   * drained batch holds for the lead, in arrival order): each is applied as {@link #messageStatus}
   * applies it. Added after messageStatus: workers must be deployed before the API that sends it.
   */
  @SignalMethod
  void messageStatuses(List<MessageStatusSignal> statuses);

  @SignalMethod
  void inboundMessage(InboundMessageSignal message);

  /** An operator's outcome: the lead converted or is lost; ends the lifecycle with it. */
  @SignalMethod
  void outcome(OutcomeSignal outcome);

  @SignalMethod
  void optOut(OptOutSignal optOut);

  /** A sales rep took the lead handed to them: the SLA is met, the lead is in conversation. */
  @SignalMethod
  void ownerAction(OwnerAction action);

  /**
   * The owner left (an operator made them inactive, or moved the lead to another rep): a lead they
   * hold goes to another owner, who must act on it within the SLA again. {@code takenAt} the time
   * of the owner's take the lead was moved away from (the contact's {@code ownerAcceptedAt}, as
   * their hand-off holds it; null when they had not taken it, and in signals from an API before
   * it): that take, told to the run late or again, is not applied ({@link LateAcceptances}). An API
   * before it sends the owner alone, which the SDK reads as a null {@code takenAt}.
   */
  @SignalMethod
  void ownerGone(String ownerId, Instant takenAt);

  /**
   * An owner who may take the lead was added or enabled (the API signals the interested leads that
   * wait unassigned): a lead without an owner tries its hand-off now instead of at its next retry
   * (or never, when nobody took its segment); the API may have decided the attempt already, which
   * the hand-off activity then answers. Added after the other signals: workers must be deployed
   * before the API that sends it.
   */
  @SignalMethod
  void ownerAvailable(String ownerId);

  /**
   * The rep holding the interested lead gave it back to the agent ({@link OwnerRelease}): nobody
   * holds it and no SLA runs; its next reply is handed to a person again. Added after the other
   * signals: workers must be deployed before the API that sends it.
   */
  @SignalMethod
  void ownerReleased(OwnerRelease release);

  /** A meeting with the interested lead was booked: the lead is MEETING_BOOKED. */
  @SignalMethod
  void meetingBooked(MeetingBooked meeting);

  /** A message a person wrote to the lead (or asked the re-engagement template for): send it. */
  @SignalMethod
  void ownerReply(OwnerReply reply);

  /** An operator disabled this variant: switch to another before the next send. */
  @SignalMethod
  void variantDisabled(String variantId);

  /**
   * An operator resumed the lead's business number (the API signals the leads pinned to it that
   * wait for it): a lead waiting for its number tries again now instead of at its next check. Added
   * after the other signals: workers must be deployed before the API that sends it.
   */
  @SignalMethod
  void senderResumed(String phoneNumberId);

  @SignalMethod
  void pause();

  @SignalMethod
  void resume();

  @SignalMethod
  void stop(String reason);

  /** A reviewer's decision on the held message (durable human approval). */
  @UpdateMethod
  ApprovalResult approval(ApprovalDecision decision);

  @UpdateValidatorMethod(updateName = "approval")
  void validateApproval(ApprovalDecision decision);

  /** An operator's decision on a send whose fate stayed unknown (resend, assume sent, stop). */
  @UpdateMethod
  DeliveryDecision resolveDelivery(DeliveryDecision decision);

  @UpdateValidatorMethod(updateName = "resolveDelivery")
  void validateDelivery(DeliveryDecision decision);

  @QueryMethod
  LeadState state();
}
