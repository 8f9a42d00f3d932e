package com.salesagent.workflows.lead;

import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/**
 * Delivers a composed message and acts on what the Cloud API said: accepted (the message joins the
 * lead's list), suppressed (the lead is opted out), throttled (a durable back-off with jitter), the
 * business number paused (the lead waits for it), Meta's per-user marketing limit (another day),
 * refused (131047: as a template; anything else: failed, with the reason), or unknown (the answer
 * was lost: reconciled through the status webhooks that echo the send's key, then resent or held
 * for an operator as the policy says; never resent blindly).
 */
final class SendOutcomes {
  static final Duration PAIR_SPACING = Duration.ofSeconds(6);
  static final Duration MAX_BACKOFF = Duration.ofHours(1);
  static final Duration MARKETING_LIMIT_RETRY = Duration.ofHours(24);
  static final int MAX_MARKETING_LIMIT_RETRIES = 3;

  /** Version 1: a lead waiting for its paused business number wakes when an operator resumes it. */
  static final String SENDER_RESUME_WAKES = "sender-resume-wakes";

  static final String LATE_STATUS = "late-status-releases-held-send";

  /**
   * Version 1: a send the reconcile says no attempt can resend ({@link SendResult#NEEDS_OPERATOR})
   * is held for an operator, even under the resend policy.
   */
  static final String UNKNOWN_NEEDS_OPERATOR = "unknown-needs-operator";

  private final LeadRun run;
  private final LeadStubs stubs;
  private final Stages stages;
  private final Waits waits;
  private final Approvals approvals;
  private final Sending sending;
  private LeadPolicy policy;

  SendOutcomes(
      LeadRun run,
      LeadStubs stubs,
      Stages stages,
      Waits waits,
      Approvals approvals,
      Sending sending) {
    this.run = run;
    this.stubs = stubs;
    this.stages = stages;
    this.waits = waits;
    this.approvals = approvals;
    this.sending = sending;
  }

  void policy(LeadPolicy policy) {
    this.policy = policy;
  }

  void deliver(SendRequest request, String purpose) {
    sendFrom(request, purpose);
  }

  /**
   * Acts on the result of a send already made (by {@link DispatchActivities}), then goes on as
   * {@link #deliver(SendRequest, String)}: a message the Cloud API accepted joins the lead's list
   * even when the lead ended meanwhile.
   */
  void deliver(SendRequest request, String purpose, SendResult first) {
    sendFrom(act(request, purpose, first), purpose);
  }

  /** Sends {@code first} and what each result asks for next, until done or the lead ended. */
  private void sendFrom(SendRequest first, String purpose) {
    SendRequest next = first;
    while (next != null && !run.ended()) {
      SendResult result;
      try {
        result = stubs.messaging.send(next);
      } catch (ActivityFailure e) {
        if (OwnerReply.TEXT.equals(purpose) || OwnerReply.AGENT.equals(purpose)) {
          stages.record(
              "owner_reply_failed", null, first.idempotencyKey() + ": " + Sending.reason(e));
        } else {
          stages.finish(Stage.FAILED, "send refused: " + Sending.reason(e));
        }
        return;
      }
      next = act(next, purpose, result);
    }
  }

  /**
   * Sends a message a person wrote (stored under the request's key by the API) as {@link #deliver}
   * sends the sequence's, with the same outcomes, except that a refusal or a failed call is
   * recorded and the lead goes on: a person's message refused is not the lead's failure, and it is
   * never replaced by a template.
   */
  void deliverOwnerReply(SendRequest request, String by, boolean agent) {
    int before = run.messages.size();
    sendFrom(request, agent ? OwnerReply.AGENT : OwnerReply.TEXT);
    if (run.messages.size() > before) {
      stages.record(
          agent ? "agent_answered" : "owner_replied", run.lastMessage().wamid(), "by " + by);
    }
  }

  /** What to send next for this step (the same request again, or a resend), or null: done. */
  private SendRequest act(SendRequest request, String purpose, SendResult result) {
    switch (result.outcomeOrLegacy()) {
      case SendResult.SENT, SendResult.REPLAYED -> {
        accepted(request, result.wamid(), result.acceptedAt(), kind(request, purpose));
        return null;
      }
      case SendResult.DO_NOT_CONTACT -> {
        run.optedOut = true;
        return null;
      }
      case SendResult.RATE_LIMITED -> {
        return backOff(result.errorCode()) ? request : null;
      }
      case SendResult.ACCOUNT_PAUSED -> {
        return waitForSender(result) ? request : null;
      }
      case SendResult.RETRY_LATER -> {
        return retryLater() ? request : null;
      }
      case SendResult.SENDER_BUSY -> {
        return waitForSlot(result) ? request : null;
      }
      case SendResult.UNKNOWN -> {
        return reconcile(request, purpose);
      }
      default -> {
        Integer code = result.errorCode();
        if (OwnerReply.TEXT.equals(purpose) || OwnerReply.AGENT.equals(purpose)) {
          stages.record(
              "owner_reply_failed",
              null,
              request.idempotencyKey()
                  + ": WhatsApp error "
                  + code
                  + (result.detail() == null ? "" : ": " + result.detail()));
        } else if (code != null
            && code == MetaErrors.RE_ENGAGEMENT_REQUIRED
            && !request.template()) {
          stages.record("template_fallback", null, "131047 outside the 24 h window");
          sending.step(request.step(), purpose, true);
        } else {
          stages.finish(
              Stage.FAILED,
              "WhatsApp error " + code + (result.detail() == null ? "" : ": " + result.detail()));
        }
        return null;
      }
    }
  }

  private static String kind(SendRequest request, String purpose) {
    if (OwnerReply.TEXT.equals(purpose) || OwnerReply.AGENT.equals(purpose)) {
      return MessageView.OWNER_TEXT;
    }
    return request.template() ? "template" : "text";
  }

  private void accepted(SendRequest request, String wamid, Instant at, String kind) {
    run.rateLimitRetries = 0;
    run.marketingLimitRetries = 0;
    run.senderChecks = 0;
    MessageView sent =
        new MessageView(request.step(), wamid, kind, run.variantId, at, null, null, null, null);
    run.messages.add(sent);
    Signals.applyEarly(run, wamid);
  }

  /**
   * Throttled (synchronously, or by a failed status): exponential back-off from the policy's first
   * delay, doubled per retry, at most an hour, never under the 6 s Meta wants between two messages
   * to one user, with ±10 % jitter so that throttled leads do not return together. False once the
   * retries are spent (the lead fails with the reason) or the lead ended.
   */
  boolean backOff(Integer code) {
    if (run.rateLimitRetries >= policy.maxRateLimitRetries()) {
      stages.finish(
          Stage.FAILED, "rate limited (" + code + ") " + run.rateLimitRetries + " times in a row");
      return false;
    }
    run.rateLimitRetries++;
    Duration base =
        policy.rateLimitBackoff().multipliedBy(1L << Math.min(20, run.rateLimitRetries - 1));
    if (base.compareTo(MAX_BACKOFF) > 0) {
      base = MAX_BACKOFF;
    }
    if (base.compareTo(PAIR_SPACING) < 0) {
      base = PAIR_SPACING;
    }
    double jitter = 0.9 + 0.2 * Workflow.newRandom().nextDouble();
    Duration wait = Duration.ofMillis(Math.round(base.toMillis() * jitter));
    Instant at = stages.now().plus(wait);
    stages.set(
        run.stage,
        "retry_after_rate_limit",
        at,
        "rate_limited",
        code + "; retry " + run.rateLimitRetries + " in " + wait);
    return waits.until(at, () -> false);
  }

  /**
   * The business number cannot send (token expired, account locked, payment): not the lead's
   * failure. It waits, checking again after 5 minutes, then longer (at most an hour), or at once
   * when an operator resumes the number (version 1 of {@link #SENDER_RESUME_WAKES}).
   */
  boolean waitForSender(SendResult result) {
    // Counted before the stage is written: the API wakes the leads it finds waiting in MongoDB.
    int seen = run.senderResumes;
    // A wait recorded before version 1 ignored resume signals: it replays as it ran.
    boolean wakes =
        Workflow.getVersion(SENDER_RESUME_WAKES, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    run.senderChecks++;
    Duration wait = Duration.ofMinutes(5L << Math.min(4, run.senderChecks - 1));
    if (wait.compareTo(MAX_BACKOFF) > 0) {
      wait = MAX_BACKOFF;
    }
    Instant at = stages.now().plus(wait);
    stages.set(
        Stage.WAITING_SENDER,
        "retry_when_sender_resumes",
        at,
        "sender_paused",
        "WhatsApp " + result.errorCode() + (result.detail() == null ? "" : ": " + result.detail()));
    return waits.until(at, () -> wakes && run.senderResumes != seen);
  }

  /**
   * The lead's business number had no free send slot soon (its throughput, or the 6 s to one
   * recipient): nothing was sent and nothing failed, so no retry is consumed. Waits until the slot
   * the activity named, spread by up to half as long again (leads turned away together come back
   * apart), at most an hour. Only results of the sender pool's activities carry this outcome, so
   * histories from before it replay unchanged.
   */
  boolean waitForSlot(SendResult result) {
    long millis = result.retryAfterMillis() == null ? 1000 : result.retryAfterMillis();
    millis = Math.max(100, Math.min(MAX_BACKOFF.toMillis(), millis));
    double spread = 1.0 + 0.5 * Workflow.newRandom().nextDouble();
    Instant at = stages.now().plus(Duration.ofMillis(Math.round(millis * spread)));
    return waits.until(at, () -> false);
  }

  /** Meta's per-user marketing limit (131049): this lead another day, a few times at most. */
  boolean retryLater() {
    if (run.marketingLimitRetries >= MAX_MARKETING_LIMIT_RETRIES) {
      stages.finish(
          Stage.FAILED,
          "Meta's per-user marketing limit (131049), " + run.marketingLimitRetries + " days");
      return false;
    }
    run.marketingLimitRetries++;
    Instant at = stages.now().plus(MARKETING_LIMIT_RETRY);
    stages.set(run.stage, "retry_marketing_limit", at, "marketing_limited", "131049");
    return waits.until(at, () -> false);
  }

  /**
   * The send's answer was lost. Its status webhooks carry its key: wait for one (the inbox binds
   * the wamid), then ask what is known. Accepted: the message joins the list. Still unknown after
   * the window: resend or hold for an operator, as the policy says.
   */
  private SendRequest reconcile(SendRequest request, String purpose) {
    String key = request.idempotencyKey();
    Instant since = stages.now();
    run.unknownSend =
        new LeadRun.UnknownSend(
            key, request.step(), request.template(), request.useEditedText(), since);
    Instant until = since.plus(policy.reconciliationWindow());
    stages.set(Stage.DELIVERY_UNKNOWN, "reconcile", until, "delivery_unknown", key);
    waits.until(until, () -> Signals.statusFor(run, key) != null);
    // Whether the reconcile below sees a status already: one that comes while it runs has not been
    // asked about, and wakes the hold that follows (version 1 of LATE_STATUS).
    boolean statusAsked = Signals.statusFor(run, key) != null;
    SendResult known = stubs.messaging.reconcile(run.leadId, key);
    if (known.accepted()) {
      reconciled(request, known, purpose);
      return null;
    }
    if (run.ended()) {
      return null;
    }
    String decision =
        policy.resendUnknown() && !needsOperator(known)
            ? DeliveryDecision.RESEND
            : decide(request, purpose, statusAsked);
    if (decision == null) {
      return null;
    }
    LeadRun.UnknownSend unknown = run.unknownSend;
    run.unknownSend = null;
    switch (decision) {
      case DeliveryDecision.RESEND -> {
        stages.record("delivery_resent", null, key);
        return new SendRequest(
            run.leadId, key, request.step(), request.template(), request.useEditedText(), true);
      }
      case DeliveryDecision.ASSUME_SENT -> {
        stages.record("delivery_assumed", null, key);
        accepted(request, Signals.assumedWamid(key), unknown.since(), kind(request, purpose));
        return null;
      }
      default -> {
        stages.finish(Stage.STOPPED, "stopped after an unknown delivery of " + key);
        return null;
      }
    }
  }

  /**
   * Whether the reconcile says no resend can go (version 1 of {@link #UNKNOWN_NEEDS_OPERATOR}): it
   * is held for an operator even under the resend policy. Before, the policy resent it every
   * window, each resend answered unknown without a call, and nobody was asked.
   */
  private static boolean needsOperator(SendResult known) {
    return SendResult.NEEDS_OPERATOR.equals(known.detail())
        && Workflow.getVersion(UNKNOWN_NEEDS_OPERATOR, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
  }

  /** The lost answer is known after all: the message joins the list. */
  private void reconciled(SendRequest request, SendResult known, String purpose) {
    run.unknownSend = null;
    stages.record("delivery_reconciled", known.wamid(), request.idempotencyKey());
    accepted(request, known.wamid(), known.acceptedAt(), kind(request, purpose));
  }

  /**
   * The operator's decision on a held send, or null when it was settled otherwise (the lead ended;
   * from version 1 of {@link #LATE_STATUS}, its status came and proved it accepted). Before that
   * version a status come after the window left the lead held, its message delivered, until an
   * operator decided (the faults QA walk: webhooks delayed past UNKNOWN_SEND_WINDOW). A status the
   * window's reconcile was asked with ({@code statusAsked}) does not wake it: that reconcile found
   * nothing all the same, and asking again would loop; one that came while it ran does.
   */
  private String decide(SendRequest request, String purpose, boolean statusAsked) {
    String key = request.idempotencyKey();
    boolean statusReleases =
        Workflow.getVersion(LATE_STATUS, Workflow.DEFAULT_VERSION, 1) == 1 && !statusAsked;
    DeliveryDecision d =
        approvals.awaitDelivery(
            statusReleases ? () -> Signals.statusFor(run, key) != null : () -> false);
    if (d != null && Approvals.STATUS_CAME.equals(d.decision())) {
      approvals.checking(true);
      SendResult known = stubs.messaging.reconcile(run.leadId, key);
      approvals.checking(false);
      if (known.accepted()) {
        approvals.released(key);
        reconciled(request, known, purpose);
        return null;
      }
      d = run.ended() ? null : approvals.awaitOperator();
    }
    return d == null ? null : d.decision();
  }
}
