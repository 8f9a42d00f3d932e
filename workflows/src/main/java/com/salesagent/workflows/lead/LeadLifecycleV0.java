package com.salesagent.workflows.lead;

import com.salesagent.temporal.LeadSearchAttributes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * FROZEN: the lead lifecycle as it ran before the "lifecycle" version (2026-12). It exists only so
 * that executions started before then, and their committed histories, replay exactly as they ran;
 * {@link LeadWorkflowImpl} picks it for them and {@link LeadLifecycle} for everything newer. Do not
 * change it: delete it once no execution of that version is open (they move to the new code at
 * their next continue-as-new).
 */
class LeadLifecycleV0 implements LeadWorkflow {
  /** Meta error codes handled by the workflow (statuses arrive by webhook). */
  static final int RE_ENGAGEMENT_REQUIRED = 131047;

  static final int UNDELIVERABLE = 131026;
  static final int THROUGHPUT_LIMIT = 130429;
  static final int PAIR_RATE_LIMIT = 131056;

  static final int CONTINUE_AS_NEW_AFTER_EVENTS = 4000;
  private static final Logger log = Workflow.getLogger(LeadLifecycleV0.class);

  private final LeadActivities leads =
      Workflow.newActivityStub(
          LeadActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
  // A few attempts: research reads the lead's website when enabled, whose failures yield nothing
  // rather than retrying for ever.
  private final ResearchActivities research =
      Workflow.newActivityStub(
          ResearchActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());
  private final ComposeActivities composer =
      Workflow.newActivityStub(
          ComposeActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(2)).build());
  // Sends could spam: few attempts, and permanent refusals are not retried at all.
  private final MessagingActivities messaging =
      Workflow.newActivityStub(
          MessagingActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(2))
                      .setMaximumAttempts(4)
                      .setDoNotRetry(MessagingActivities.PERMANENT_ERROR)
                      .build())
              .build());

  private String leadId;
  private String campaignId;
  private String segment;
  private String variantId;
  private Stage stage = Stage.ENROLLED;
  private String nextAction;
  private Instant nextActionAt;
  private int followUpsSent;
  private int sendAttempts;
  private int rateLimitRetries;
  private boolean paused;
  private Instant lastInboundAt;
  private String outcomeReason;
  private final List<MessageView> messages = new ArrayList<>();
  private final Map<String, List<MessageStatusSignal>> earlyStatuses = new HashMap<>();
  private int statusChanges;
  private boolean replied;
  private boolean optedOut;
  private boolean stopped;
  private LeadPolicy policy;
  private ZoneId zone = ZoneOffset.UTC;
  private final int continueAsNewAfterEvents;
  private boolean variantSwitchPending;
  private Instant snoozeUntil;
  private String pendingApproval;
  private boolean pendingIsTemplate;
  private ApprovalDecision approvalDecision;
  static final int MAX_RECOMPOSE = 2;

  LeadLifecycleV0(int continueAsNewAfterEvents) {
    this.continueAsNewAfterEvents = continueAsNewAfterEvents;
  }

  @Override
  public LeadState run(LeadInput input) {
    leadId = input.leadId();
    campaignId = input.campaignId();
    if (input.carried() == null) {
      begin();
    } else {
      restore(input.carried());
    }
    followUpLoop();
    return state();
  }

  private void begin() {
    setStage(Stage.RESEARCHING, null, null, "research_started", null);
    int chunks = research.research(leadId);
    LeadProfile profile = leads.profile(leadId);
    segment = profile.segment();
    zone = zoneOf(profile.timezone());
    policy = leads.policy(leadId, segment);
    record("researched", null, chunks + " research chunks; segment " + segment);
    VariantAssignment assignment = leads.assignVariant(leadId, segment);
    variantId = assignment.variantId();
    Workflow.upsertTypedSearchAttributes(
        LeadSearchAttributes.SEGMENT.valueSet(segment),
        LeadSearchAttributes.VARIANT_ID.valueSet(variantId));
    setStage(
        Stage.ASSIGNED,
        "send_first_contact",
        now(),
        "variant_assigned",
        assignment.strategy() + ": " + variantId);
    if (!ended()) {
      sendStep(0, "first_contact", false);
    }
  }

  private void restore(LeadState carried) {
    segment = carried.segment();
    variantId = carried.variantId();
    stage = carried.stage();
    nextAction = carried.nextAction();
    nextActionAt = carried.nextActionAt();
    followUpsSent = carried.followUpsSent();
    sendAttempts = carried.sendAttempts();
    paused = carried.paused();
    lastInboundAt = carried.lastInboundAt();
    messages.addAll(carried.messages());
    zone = zoneOf(leads.profile(leadId).timezone());
    policy = leads.policy(leadId, segment);
  }

  private void followUpLoop() {
    // Marks the follow-up rules of this code; a later change of them branches on this version.
    Workflow.getVersion("follow-up-policy", Workflow.DEFAULT_VERSION, 1);
    while (!finishIfEnded()) {
      if (Workflow.getInfo().getHistoryLength() > continueAsNewAfterEvents
          || Workflow.getInfo().isContinueAsNewSuggested()) {
        Workflow.continueAsNew(new LeadInput(leadId, campaignId, state()));
      }
      if (snoozeUntil != null && Workflow.getVersion("snooze", Workflow.DEFAULT_VERSION, 1) == 1) {
        Instant until = snoozeUntil;
        snoozeUntil = null;
        setStage(Stage.SNOOZED, "resume_sequence", until, "snoozed", "not now, until " + until);
        Workflow.await(Duration.between(now(), until), () -> ended() || snoozeUntil != null);
        if (!ended() && snoozeUntil == null) {
          // The agreed date: one more follow-up (a template: the window has long closed).
          sendStep(followUpsSent + 1, "follow_up_read", false);
        }
        continue;
      }
      if (paused) {
        Stage before = stage;
        setStage(Stage.PAUSED, "resume", null, "paused", null);
        Workflow.await(() -> !paused || ended());
        if (!ended()) {
          setStage(before, nextAction, nextActionAt, "resumed", null);
        }
        continue;
      }
      // Captured before anything that yields (activities), so no status change is missed.
      int seen = statusChanges;
      MessageView last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
      if (last == null) {
        sendStep(0, "first_contact", false);
        continue;
      }
      if ("failed".equals(last.status())) {
        handleFailedSend(last);
        continue;
      }
      boolean read = last.readAt() != null;
      Instant due =
          read
              ? last.readAt().plus(policy.readNoReplyDelay())
              : last.sentAt().plus(policy.unreadDelay());
      boolean closing = followUpsSent >= policy.maxFollowUps();
      String action = closing ? "close_no_response" : read ? "follow_up_read" : "follow_up_unread";
      setStage(Stage.AWAITING_RESPONSE, action, due, null, null);
      Duration wait = Duration.between(now(), due);
      if (!wait.isNegative() && !wait.isZero()) {
        boolean woken = Workflow.await(wait, () -> ended() || paused || statusChanges != seen);
        if (woken) {
          continue;
        }
      }
      if (closing) {
        finish(Stage.NO_RESPONSE, "no reply after " + followUpsSent + " follow-ups");
        break;
      }
      followUpsSent++;
      sendStep(followUpsSent, action, false);
    }
  }

  private void handleFailedSend(MessageView failed) {
    Integer code = failed.errorCode();
    int c = code == null ? -1 : code;
    if (c == RE_ENGAGEMENT_REQUIRED && !"template".equals(failed.kind())) {
      record("template_fallback", failed.wamid(), "131047 outside the 24 h window");
      sendStep(failed.step(), purposeOf(failed.step()), true);
    } else if ((c == THROUGHPUT_LIMIT || c == PAIR_RATE_LIMIT)
        && rateLimitRetries < policy.maxRateLimitRetries()) {
      rateLimitRetries++;
      Duration backoff = policy.rateLimitBackoff().multipliedBy(1L << (rateLimitRetries - 1));
      setStage(
          stage,
          "retry_after_rate_limit",
          now().plus(backoff),
          "rate_limited",
          c + "; retry " + rateLimitRetries + " in " + backoff);
      Workflow.await(backoff, this::ended);
      if (!ended()) {
        sendStep(failed.step(), purposeOf(failed.step()), "template".equals(failed.kind()));
      }
    } else {
      finish(Stage.FAILED, "WhatsApp error " + c);
    }
  }

  private String purposeOf(int step) {
    return step == 0 ? "first_contact" : "follow_up";
  }

  /** Waits for the send window, composes and sends; forceTemplate for the 131047 fallback. */
  private void sendStep(int step, String purpose, boolean forceTemplate) {
    Instant allowed =
        SendWindow.nextAllowed(
            now(),
            zone,
            LocalTime.parse(policy.quietHoursStart()),
            LocalTime.parse(policy.quietHoursEnd()));
    if (allowed.isAfter(now())) {
      setStage(Stage.WAITING_SEND_WINDOW, "send_" + purpose, allowed, "send_deferred", null);
      Workflow.await(Duration.between(now(), allowed), this::ended);
      if (ended()) {
        return;
      }
    }
    boolean template =
        forceTemplate
            || lastInboundAt == null
            || now().isAfter(lastInboundAt.plus(policy.customerServiceWindow()));
    if (variantSwitchPending
        && Workflow.getVersion("kill-switch", Workflow.DEFAULT_VERSION, 1) == 1) {
      switchVariant();
    }
    sendAttempts++;
    String key = "lead-" + leadId + "-send-" + sendAttempts;
    ComposedMessage composed =
        composer.compose(
            new ComposeRequest(leadId, campaignId, variantId, step, purpose, key, 0, template));
    if (ended()) {
      return;
    }
    boolean useEdit = false;
    // Version 1 adds the quality gate and durable human approval; older runs send directly.
    if (Workflow.getVersion("quality-gate", Workflow.DEFAULT_VERSION, 1) == 1) {
      int attempt = 0;
      while (ComposedMessage.REJECT.equals(composed.decision()) && attempt < MAX_RECOMPOSE) {
        attempt++;
        sendAttempts++;
        key = "lead-" + leadId + "-send-" + sendAttempts;
        composed =
            composer.compose(
                new ComposeRequest(
                    leadId, campaignId, variantId, step, purpose, key, attempt, template));
      }
      if (!ComposedMessage.APPROVE.equals(composed.decision())) {
        ApprovalDecision decision = awaitApproval(key, template, composed);
        if (decision == null) {
          return;
        }
        if (ApprovalDecision.REJECT.equals(decision.decision())) {
          finish(Stage.STOPPED, "message rejected by " + decision.approver());
          return;
        }
        useEdit = ApprovalDecision.EDIT.equals(decision.decision());
      }
    }
    SendResult result;
    try {
      result = messaging.send(new SendRequest(leadId, key, step, template, useEdit));
    } catch (ActivityFailure e) {
      String reason =
          e.getCause() instanceof ApplicationFailure app
              ? app.getOriginalMessage()
              : e.getMessage();
      finish(Stage.FAILED, "send refused: " + reason);
      return;
    }
    if (result.doNotContact()) {
      optedOut = true;
      return;
    }
    MessageView sent =
        new MessageView(
            step,
            result.wamid(),
            template ? "template" : "text",
            variantId,
            result.acceptedAt(),
            null,
            null,
            null,
            null);
    messages.add(sent);
    for (MessageStatusSignal early : earlyStatuses.getOrDefault(result.wamid(), List.of())) {
      applyStatus(early);
    }
    earlyStatuses.remove(result.wamid());
    log.info("lead {} step {} sent ({})", leadId, step, template ? "template" : "text");
  }

  /** The live kill-switch: the disabled variant is replaced before this send. */
  private void switchVariant() {
    String disabled = variantId;
    VariantAssignment assignment = leads.reassignVariant(leadId, segment);
    variantId = assignment.variantId();
    variantSwitchPending = false;
    Workflow.upsertTypedSearchAttributes(LeadSearchAttributes.VARIANT_ID.valueSet(variantId));
    record("variant_switched", null, disabled + " disabled; now " + variantId);
  }

  /**
   * Durable human approval: the message waits for the "approval" update (approve, edit, reject)
   * until the SLA, after which the configured default applies. Null when the lead ended meanwhile.
   */
  private ApprovalDecision awaitApproval(String key, boolean template, ComposedMessage composed) {
    pendingApproval = key;
    pendingIsTemplate = template;
    approvalDecision = null;
    Instant slaAt = now().plus(policy.approvalSla());
    leads.recordApproval(new ApprovalRecord(leadId, key, "pending", null, slaAt, null));
    Stage before = stage;
    setStage(
        Stage.AWAITING_APPROVAL,
        "approval_default_" + policy.approvalDefault(),
        slaAt,
        "approval_requested",
        "gate score " + composed.score());
    boolean decided =
        Workflow.await(policy.approvalSla(), () -> approvalDecision != null || ended());
    pendingApproval = null;
    if (ended()) {
      return null;
    }
    ApprovalDecision decision =
        decided
            ? approvalDecision
            : new ApprovalDecision(key, policy.approvalDefault(), "sla-default");
    leads.recordApproval(
        new ApprovalRecord(leadId, key, decision.decision(), decision.approver(), null, null));
    stage = before;
    return decision;
  }

  private boolean finishIfEnded() {
    if (stage.terminal()) {
      return true;
    }
    if (optedOut) {
      finish(Stage.OPTED_OUT, "opted out");
    } else if (replied) {
      finish(Stage.REPLIED, "replied");
    } else if (stopped) {
      finish(Stage.STOPPED, outcomeReason == null ? "stopped by an operator" : outcomeReason);
    }
    return stage.terminal();
  }

  private boolean ended() {
    return replied || optedOut || stopped || stage.terminal();
  }

  private void finish(Stage outcome, String reason) {
    outcomeReason = reason;
    setStage(outcome, null, null, "outcome", reason);
  }

  private void setStage(Stage next, String action, Instant at, String eventType, String detail) {
    boolean unchanged =
        eventType == null
            && next == stage
            && Objects.equals(action, nextAction)
            && Objects.equals(at, nextActionAt);
    // Version 1: a wake-up that changes nothing (a duplicate or "delivered" status) records
    // nothing; before it, every wake-up wrote the stage again.
    if (unchanged
        && Workflow.getVersion("skip-unchanged-stage", Workflow.DEFAULT_VERSION, 1) == 1) {
      return;
    }
    stage = next;
    nextAction = action;
    nextActionAt = at;
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    updates.add(LeadSearchAttributes.LEAD_STAGE.valueSet(next.key()));
    updates.add(
        at == null
            ? LeadSearchAttributes.NEXT_ACTION_AT.valueUnset()
            : LeadSearchAttributes.NEXT_ACTION_AT.valueSet(
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC)));
    Workflow.upsertTypedSearchAttributes(updates.toArray(new SearchAttributeUpdate<?>[0]));
    leads.record(
        new LeadEvent(
            leadId,
            campaignId,
            eventType,
            next.key(),
            segment,
            variantId,
            null,
            action,
            at,
            detail));
  }

  private void record(String type, String wamid, String detail) {
    leads.record(
        new LeadEvent(
            leadId,
            campaignId,
            type,
            stage.key(),
            segment,
            variantId,
            wamid,
            nextAction,
            nextActionAt,
            detail));
  }

  private Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  private static ZoneId zoneOf(String timezone) {
    try {
      return timezone == null ? ZoneOffset.UTC : ZoneId.of(timezone);
    } catch (RuntimeException e) {
      return ZoneOffset.UTC;
    }
  }

  @Override
  public void messageStatus(MessageStatusSignal status) {
    boolean known = messages.stream().anyMatch(m -> m.wamid().equals(status.wamid()));
    if (!known) {
      earlyStatuses.computeIfAbsent(status.wamid(), w -> new ArrayList<>()).add(status);
      return;
    }
    applyStatus(status);
  }

  private void applyStatus(MessageStatusSignal status) {
    for (int i = 0; i < messages.size(); i++) {
      MessageView m = messages.get(i);
      if (m.wamid().equals(status.wamid())) {
        MessageView updated = m.withStatus(status.status(), status.at(), status.errorCode());
        if (!updated.equals(m)) {
          messages.set(i, updated);
          statusChanges++;
        }
      }
    }
  }

  @Override
  public void messageStatuses(List<MessageStatusSignal> statuses) {
    statuses.forEach(this::messageStatus);
  }

  @Override
  public void outcome(OutcomeSignal outcome) {
    // The first version predates outcomes: its runs end as they always did.
  }

  @Override
  public void ownerAction(OwnerAction action) {
    // The first version predates hand-offs: its runs end as they always did.
  }

  @Override
  public void ownerGone(String ownerId, Instant takenAt) {
    // The first version predates owners.
  }

  @Override
  public void ownerAvailable(String ownerId) {
    // The first version predates owners.
  }

  @Override
  public void ownerReleased(OwnerRelease release) {
    // The first version predates owners.
  }

  @Override
  public void meetingBooked(MeetingBooked meeting) {
    // The first version predates meetings.
  }

  @Override
  public void ownerReply(OwnerReply reply) {
    // The first version predates people's messages: nothing is sent.
  }

  @Override
  public void inboundMessage(InboundMessageSignal message) {
    if (lastInboundAt == null || message.at().isAfter(lastInboundAt)) {
      lastInboundAt = message.at();
    }
    // Any message opens WhatsApp's 24 h customer-service window; a reaction is not a reply, and
    // a "not now" with a date snoozes the sequence until then.
    if (message.endsSequence() && message.snoozeUntil() != null) {
      snoozeUntil = message.snoozeUntil();
      statusChanges++;
    } else if (message.endsSequence()) {
      replied = true;
    } else {
      statusChanges++;
    }
  }

  @Override
  public void optOut(OptOutSignal optOut) {
    optedOut = true;
  }

  @Override
  public void variantDisabled(String disabledVariantId) {
    if (disabledVariantId != null && disabledVariantId.equals(variantId)) {
      variantSwitchPending = true;
    }
  }

  /** Frozen runs never wait for a business number. */
  @Override
  public void senderResumed(String phoneNumberId) {}

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  @Override
  public void stop(String reason) {
    outcomeReason = reason == null || reason.isBlank() ? "stopped by an operator" : reason;
    stopped = true;
  }

  @Override
  public void validateApproval(ApprovalDecision decision) {
    if (pendingApproval == null) {
      throw new IllegalStateException("no message of this lead is waiting for approval");
    }
    if (decision.idempotencyKey() != null && !decision.idempotencyKey().equals(pendingApproval)) {
      throw new IllegalStateException(
          "message " + decision.idempotencyKey() + " is not the one waiting: " + pendingApproval);
    }
    if (!List.of(ApprovalDecision.APPROVE, ApprovalDecision.EDIT, ApprovalDecision.REJECT)
        .contains(decision.decision())) {
      throw new IllegalArgumentException("decision must be approve, edit or reject");
    }
    if (ApprovalDecision.EDIT.equals(decision.decision()) && pendingIsTemplate) {
      throw new IllegalArgumentException(
          "this message must go as an approved WhatsApp template: approve or reject it, or change"
              + " the template in prompt_variants");
    }
  }

  @Override
  public void validateDelivery(DeliveryDecision decision) {
    throw new IllegalStateException("no send of this lead is waiting for a delivery decision");
  }

  @Override
  public DeliveryDecision resolveDelivery(DeliveryDecision decision) {
    throw new IllegalStateException("no send of this lead is waiting for a delivery decision");
  }

  @Override
  public ApprovalResult approval(ApprovalDecision decision) {
    String approver =
        decision.approver() == null || decision.approver().isBlank()
            ? "operator"
            : decision.approver();
    approvalDecision = new ApprovalDecision(pendingApproval, decision.decision(), approver);
    // Frozen runs send an approved text whatever happened to its variant meanwhile.
    return new ApprovalResult(
        pendingApproval,
        decision.decision(),
        approver,
        ApprovalDecision.REJECT.equals(decision.decision())
            ? ApprovalResult.STOP
            : ApprovalResult.SEND);
  }

  @Override
  public LeadState state() {
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
        pendingApproval);
  }
}
