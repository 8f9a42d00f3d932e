package com.salesagent.workflows.lead;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * One step of the sequence: wait for the lead's send window, compose (recomposing a rejected text a
 * bounded number of times), let a person decide on a held one, then deliver and act on what the
 * Cloud API said ({@link SendOutcomes}). The disabled variant of a kill-switch is replaced before
 * composing, and again after an approval: its text never goes out.
 */
final class Sending {
  static final int MAX_RECOMPOSE = 2;

  /**
   * Version 1: a step's first composition and its send are one activity ({@link
   * DispatchActivities}) when the gate approves: one workflow task fewer between a due follow-up
   * and its message accepted, the wait that made follow-ups late when workflow tasks queue.
   */
  static final String COMPOSE_AND_SEND = "compose-and-send";

  private final LeadRun run;
  private final LeadStubs stubs;
  private final Stages stages;
  private final Waits waits;
  private final Approvals approvals;
  private final SendOutcomes outcomes;
  private LeadPolicy policy;
  private java.util.function.Consumer<String> segmentMatched = segment -> {};

  private record Composed(String key, boolean useEdit) {}

  Sending(LeadRun run, LeadStubs stubs, Stages stages, Waits waits, Approvals approvals) {
    this.run = run;
    this.stubs = stubs;
    this.stages = stages;
    this.waits = waits;
    this.approvals = approvals;
    this.outcomes = new SendOutcomes(run, stubs, stages, waits, approvals, this);
  }

  SendOutcomes outcomes() {
    return outcomes;
  }

  /** Told the segment the lead was matched to before each composition (LeadLifecycle.moved). */
  void onSegmentMatched(java.util.function.Consumer<String> segmentMatched) {
    this.segmentMatched = segmentMatched;
  }

  void policy(LeadPolicy policy) {
    this.policy = policy;
    outcomes.policy(policy);
  }

  /** The owner whose request the step being sent is ({@link #requested}), else null. */
  private String requestedBy;

  /**
   * Composes and sends step {@code step} as {@link #step} does, at a person's request ({@code
   * ownerId}: a rep asked for the re-engagement template): its message says so.
   */
  void requested(int step, String purpose, boolean forceTemplate, String ownerId) {
    requestedBy = ownerId == null ? "person" : ownerId;
    try {
      step(step, purpose, forceTemplate);
    } finally {
      requestedBy = null;
    }
  }

  /** Composes and sends step {@code step}; {@code forceTemplate} for the 131047 fallback. */
  void step(int step, String purpose, boolean forceTemplate) {
    if (!awaitWindow(purpose)) {
      return;
    }
    boolean template =
        forceTemplate
            || run.lastInboundAt == null
            || stages.now().isAfter(run.lastInboundAt.plus(policy.customerServiceWindow()));
    // Runs recorded before version 1 compose, then send, in two activities.
    boolean together =
        Workflow.getVersion(COMPOSE_AND_SEND, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    // Runs recorded before version 1 of segment-at-send keep their segment between sends.
    boolean inSegment =
        together
            && Workflow.getVersion(LeadLifecycle.SEGMENT_AT_SEND, Workflow.DEFAULT_VERSION, 1)
                != Workflow.DEFAULT_VERSION;
    for (int round = 0; round < 3; round++) {
      if (run.variantSwitchPending()) {
        switchVariant();
      }
      Composed composed;
      if (together) {
        Dispatched dispatched = dispatch(step, purpose, template, inSegment);
        if (dispatched == null) {
          return;
        }
        if (dispatched.segment() != null) {
          segmentMatched.accept(dispatched.segment());
        }
        SendRequest request =
            new SendRequest(
                run.leadId, dispatched.composed().idempotencyKey(), step, template, false, false);
        if (dispatched.sent() != null) {
          outcomes.deliver(request, purpose, dispatched.sent());
          return;
        }
        if (Dispatched.VARIANT_DISABLED.equals(dispatched.notSent())) {
          // Switched off in MongoDB before its signal reached this run: as if it had.
          run.disabledVariants.add(run.variantId);
          stages.record("variant_switched_before_send", null, request.idempotencyKey());
          continue;
        }
        composed = review(dispatched.composed(), step, purpose, template);
      } else {
        composed = composeAndReview(step, purpose, template);
      }
      if (composed == null) {
        return;
      }
      if (run.variantSwitchPending()) {
        // Disabled while the message waited for approval: its text must not go out.
        stages.record("variant_switched_before_send", null, composed.key());
        continue;
      }
      outcomes.deliver(
          new SendRequest(run.leadId, composed.key(), step, template, composed.useEdit(), false),
          purpose);
      return;
    }
    stages.finish(Stage.FAILED, "every variant tried was disabled before its message went out");
  }

  /**
   * The first instant outside the lead's quiet hours, computed once and recorded in history (a side
   * effect): a replay on a JDK with other time-zone rules cannot branch differently.
   */
  private boolean awaitWindow(String purpose) {
    Instant now = stages.now();
    ZoneId zone = zone();
    LocalTime start = LocalTime.parse(policy.quietHoursStart());
    LocalTime end = LocalTime.parse(policy.quietHoursEnd());
    Instant allowed =
        Workflow.sideEffect(Instant.class, () -> SendWindow.nextAllowed(now, zone, start, end));
    if (!allowed.isAfter(now)) {
      return !run.ended();
    }
    stages.set(Stage.WAITING_SEND_WINDOW, "send_" + purpose, allowed, "send_deferred", null);
    return waits.until(allowed, () -> false);
  }

  private ZoneId zone() {
    try {
      return run.timezone == null ? ZoneOffset.UTC : ZoneId.of(run.timezone);
    } catch (RuntimeException e) {
      return ZoneOffset.UTC;
    }
  }

  private Composed composeAndReview(int step, String purpose, boolean template) {
    return review(compose(step, purpose, template, 0), step, purpose, template);
  }

  /**
   * The quality gate's verdict acted on: a rejected text composed again (a bounded number of
   * times), a held one decided by a person; null when the step ends here.
   */
  private Composed review(ComposedMessage first, int step, String purpose, boolean template) {
    ComposedMessage composed = first;
    for (int attempt = 1;
        composed != null
            && ComposedMessage.REJECT.equals(composed.decision())
            && attempt <= MAX_RECOMPOSE;
        attempt++) {
      composed = compose(step, purpose, template, attempt);
    }
    if (composed == null || run.ended()) {
      return null;
    }
    if (ComposedMessage.APPROVE.equals(composed.decision())) {
      return new Composed(composed.idempotencyKey(), false);
    }
    ApprovalDecision decision =
        approvals.await(composed.idempotencyKey(), template, composed, policy);
    if (decision == null) {
      return null;
    }
    if (ApprovalDecision.REJECT.equals(decision.decision())) {
      stages.finish(Stage.STOPPED, "message rejected by " + decision.approver());
      return null;
    }
    return new Composed(
        composed.idempotencyKey(), ApprovalDecision.EDIT.equals(decision.decision()));
  }

  /** Null when composing failed for good (the lead ends FAILED with the reason). */
  private ComposedMessage compose(int step, String purpose, boolean template, int attempt) {
    try {
      return stubs.composer.compose(request(step, purpose, template, attempt));
    } catch (ActivityFailure e) {
      stages.finish(Stage.FAILED, "composing failed: " + reason(e));
      return null;
    }
  }

  /** {@link #compose} and, when approved, the send in one activity; null as for compose. */
  private Dispatched dispatch(int step, String purpose, boolean template, boolean inSegment) {
    try {
      ComposeRequest request = request(step, purpose, template, 0);
      return inSegment
          ? stubs.dispatch.composeAndSendInSegment(request, run.segment)
          : stubs.dispatch.composeAndSend(request);
    } catch (ActivityFailure e) {
      stages.finish(Stage.FAILED, "composing failed: " + reason(e));
      return null;
    }
  }

  private ComposeRequest request(int step, String purpose, boolean template, int attempt) {
    run.sendAttempts++;
    String key = "lead-" + run.leadId + "-send-" + run.sendAttempts;
    return new ComposeRequest(
        run.leadId,
        run.campaignId,
        run.variantId,
        step,
        purpose,
        key,
        attempt,
        template,
        ReadReceipts.lookedUp(),
        requestedBy);
  }

  /** The live kill-switch: the disabled variant is replaced before this send. */
  private void switchVariant() {
    String disabled = run.variantId;
    VariantAssignment assignment = stubs.leads.reassignVariant(run.leadId, run.segment);
    // Re-enabled meanwhile, the same variant comes back: either way this disable is handled.
    run.disabledVariants.remove(disabled);
    stages.variant(assignment.variantId());
    stages.record("variant_switched", null, disabled + " disabled; now " + run.variantId);
  }

  static String reason(ActivityFailure e) {
    return e.getCause() instanceof ApplicationFailure app
        ? app.getOriginalMessage()
        : e.getMessage();
  }
}
