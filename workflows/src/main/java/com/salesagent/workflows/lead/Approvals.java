package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Decisions a person makes inside the lifecycle: a message the quality gate held (approve, edit,
 * reject; the configured default after the SLA), and a send whose fate stayed unknown (resend,
 * assume sent, stop; no default: nothing is sent twice without someone saying so). Both arrive as
 * Temporal Updates, validated here before they are accepted.
 */
final class Approvals {
  /**
   * Version 1: a hold of a send of unknown fate has an identity the workflow keeps, the time it was
   * held ({@link LeadRun#deliveryHeldAt}), written as the send's {@code delivery.at} (what {@code
   * GET /api/approvals} lists as {@code heldAt}); {@link #validateDelivery} refuses a decision
   * naming another hold. Before it, the time was the activity's own clock and a decision was told
   * from one on an earlier hold only by its update id, which Temporal forgets at a continue-as-new.
   */
  static final String HOLD_IDENTITY = "delivery-hold-identity";

  private final LeadRun run;
  private final Stages stages;
  private final Waits waits;
  private final LeadActivities leads;

  /** A status of the held send came and what it proves is being asked: no decision meanwhile. */
  private boolean checking;

  Approvals(LeadRun run, Stages stages, Waits waits, LeadActivities leads) {
    this.run = run;
    this.stages = stages;
    this.waits = waits;
    this.leads = leads;
  }

  /**
   * Waits for the reviewer until the SLA, then the default applies. Decided on the decision itself,
   * never on whether the timer fired: an update accepted in the same task as the deadline wins.
   * Null when the lead ended meanwhile (the pending approval is then recorded as cancelled).
   */
  ApprovalDecision await(
      String key, boolean template, ComposedMessage composed, LeadPolicy policy) {
    run.pendingApproval = key;
    run.pendingIsTemplate = template;
    run.approvalDecision = null;
    Instant slaAt = stages.now().plus(policy.approvalSla());
    leads.recordApproval(new ApprovalRecord(run.leadId, key, "pending", null, slaAt, null));
    Stage before = run.stage;
    String action = run.nextAction;
    Instant at = run.nextActionAt;
    stages.set(
        Stage.AWAITING_APPROVAL,
        "approval_default_" + policy.approvalDefault(),
        slaAt,
        "approval_requested",
        "gate score " + composed.score());
    waits.until(slaAt, () -> run.approvalDecision != null);
    ApprovalDecision decided = run.approvalDecision;
    run.pendingApproval = null;
    run.approvalDecision = null;
    if (run.ended()) {
      leads.recordApproval(
          new ApprovalRecord(run.leadId, key, "cancelled", "lead ended", null, null));
      return null;
    }
    ApprovalDecision decision =
        decided != null
            ? decided
            : new ApprovalDecision(key, policy.approvalDefault(), "sla-default");
    leads.recordApproval(
        new ApprovalRecord(run.leadId, key, decision.decision(), decision.approver(), null, null));
    stages.set(before, action, at, null, null);
    return decision;
  }

  void validateApproval(ApprovalDecision decision) {
    if (run.pendingApproval == null) {
      throw new IllegalStateException("no message of this lead is waiting for approval");
    }
    if (run.approvalDecision != null) {
      throw new IllegalStateException(
          "message "
              + run.pendingApproval
              + " was decided already: "
              + run.approvalDecision.decision());
    }
    if (decision.idempotencyKey() != null
        && !decision.idempotencyKey().equals(run.pendingApproval)) {
      throw new IllegalStateException(
          "message "
              + decision.idempotencyKey()
              + " is not the one waiting: "
              + run.pendingApproval);
    }
    if (!List.of(ApprovalDecision.APPROVE, ApprovalDecision.EDIT, ApprovalDecision.REJECT)
        .contains(decision.decision())) {
      throw new IllegalArgumentException("decision must be approve, edit or reject");
    }
    if (ApprovalDecision.EDIT.equals(decision.decision()) && run.pendingIsTemplate) {
      throw new IllegalArgumentException(
          "this message must go as an approved WhatsApp template: approve or reject it, or change"
              + " the template in prompt_variants");
    }
  }

  ApprovalResult approve(ApprovalDecision decision) {
    String approver =
        decision.approver() == null || decision.approver().isBlank()
            ? "operator"
            : decision.approver();
    run.approvalDecision = new ApprovalDecision(run.pendingApproval, decision.decision(), approver);
    // What Sending does next with it: a switched-off variant's text is never sent.
    String outcome =
        ApprovalDecision.REJECT.equals(decision.decision())
            ? ApprovalResult.STOP
            : run.variantSwitchPending() ? ApprovalResult.RECOMPOSE : ApprovalResult.SEND;
    return new ApprovalResult(run.pendingApproval, decision.decision(), approver, outcome);
  }

  /**
   * What {@link #awaitDelivery} answers when a status echoing the held send's key came instead of
   * an operator's decision (never an operator's: {@link #validateDelivery} refuses it).
   */
  static final String STATUS_CAME = "status_came";

  /**
   * Holds an unknown send for an operator's decision; null when the lead ended meanwhile. With
   * {@code statusCame} (version 1 of "late-status-releases-held-send") a status echoing the send's
   * key, come after the reconciliation window, wakes the hold too: the answer is then {@link
   * #STATUS_CAME}, the hold still open, and the caller asks what is known ({@link #released} closes
   * it, or {@link #awaitDelivery} waits on for the operator).
   */
  DeliveryDecision awaitDelivery(BooleanSupplier statusCame) {
    run.deliveryDecision = null;
    // The hold's identity (version 1 of HOLD_IDENTITY): its time, in the workflow and in MongoDB.
    run.deliveryHeldAt =
        Workflow.getVersion(HOLD_IDENTITY, Workflow.DEFAULT_VERSION, 1) == 1 ? stages.now() : null;
    stages.set(
        Stage.DELIVERY_UNKNOWN,
        "operator_decides_delivery",
        null,
        "delivery_held",
        "no status webhook resolved " + run.unknownSend.idempotencyKey());
    leads.recordApproval(
        new ApprovalRecord(
            run.leadId,
            run.unknownSend.idempotencyKey(),
            "delivery_unknown",
            null,
            null,
            run.deliveryHeldAt));
    return awaitDecision(statusCame);
  }

  /** Waits on for the operator after a status that did not tell the send accepted. */
  DeliveryDecision awaitOperator() {
    return awaitDecision(() -> false);
  }

  private DeliveryDecision awaitDecision(BooleanSupplier statusCame) {
    if (!waits.forever(() -> run.deliveryDecision != null || statusCame.getAsBoolean())) {
      return null;
    }
    if (run.deliveryDecision == null) {
      return new DeliveryDecision(
          run.unknownSend.idempotencyKey(), STATUS_CAME, null, run.deliveryHeldAt);
    }
    DeliveryDecision decision = run.deliveryDecision;
    run.deliveryDecision = null;
    leads.recordApproval(
        new ApprovalRecord(
            run.leadId,
            decision.idempotencyKey(),
            "delivery_" + decision.decision(),
            decision.operator(),
            null,
            decision.heldAt()));
    return decision;
  }

  /** While a status that came is being checked ({@link #validateDelivery} refuses decisions). */
  void checking(boolean now) {
    checking = now;
  }

  /** The held send proved accepted by its status: the hold is closed, by no operator. */
  void released(String idempotencyKey) {
    leads.recordApproval(
        new ApprovalRecord(
            run.leadId, idempotencyKey, "delivery_confirmed", "status webhook", null, null));
  }

  void validateDelivery(DeliveryDecision decision) {
    if (run.unknownSend == null
        || !Stage.DELIVERY_UNKNOWN.equals(run.stage)
        || !"operator_decides_delivery".equals(run.nextAction)) {
      throw new IllegalStateException("no send of this lead is waiting for a delivery decision");
    }
    if (decision.heldAt() != null
        && run.deliveryHeldAt != null
        && decision.heldAt().toEpochMilli() != run.deliveryHeldAt.toEpochMilli()) {
      // A decision on an earlier hold of the send (a retry come after it was resent and held
      // again, even across a continue-as-new, where Temporal no longer knows its update id).
      throw new IllegalStateException(
          "the hold of send "
              + run.unknownSend.idempotencyKey()
              + " held at "
              + decision.heldAt()
              + " "
              + DeliveryDecision.HOLD_SUPERSEDED
              + run.deliveryHeldAt
              + " (decide that hold, naming its heldAt)");
    }
    if (run.deliveryDecision != null) {
      throw new IllegalStateException("this send was decided already");
    }
    if (checking) {
      throw new IllegalStateException(
          "a status of this send came: checking whether Meta accepted it; if it is still held in a"
              + " moment, decide again");
    }
    if (decision.idempotencyKey() != null
        && !decision.idempotencyKey().equals(run.unknownSend.idempotencyKey())) {
      throw new IllegalStateException(
          "send "
              + decision.idempotencyKey()
              + " is not the one waiting: "
              + run.unknownSend.idempotencyKey());
    }
    if (!List.of(DeliveryDecision.RESEND, DeliveryDecision.ASSUME_SENT, DeliveryDecision.STOP)
        .contains(decision.decision())) {
      throw new IllegalArgumentException("decision must be resend, assume_sent or stop");
    }
  }

  DeliveryDecision decideDelivery(DeliveryDecision decision) {
    run.deliveryDecision =
        new DeliveryDecision(
            run.unknownSend.idempotencyKey(),
            decision.decision(),
            decision.operator() == null ? "operator" : decision.operator(),
            run.deliveryHeldAt);
    return run.deliveryDecision;
  }
}
