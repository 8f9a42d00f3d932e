package com.salesagent.workflows.lead;

import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory activities for workflow tests: they record what the workflow asked for, and when. */
class FakeLeadActivities
    implements LeadActivities,
        ResearchActivities,
        ComposeActivities,
        MessagingActivities,
        DispatchActivities,
        HandOffActivities,
        KnowledgeActivities {
  record Sent(Instant at, SendRequest request, String wamid, ComposeRequest compose) {}

  final List<Sent> sends = new CopyOnWriteArrayList<>();
  final List<LeadEvent> events = new CopyOnWriteArrayList<>();
  final List<ComposeRequest> composed = new CopyOnWriteArrayList<>();
  final List<ApprovalRecord> approvals = new CopyOnWriteArrayList<>();

  /** Gate decisions the next compositions get, in order; approve once empty. */
  final List<String> decisions = new CopyOnWriteArrayList<>();

  /**
   * What the next sends answer, in order, instead of accepting: an outcome, or outcome:code
   * ("rate_limited:130429", "unknown", "account_paused:190", "rejected:131026", "sender_busy:2000"
   * with the wait in milliseconds). Accepted when empty.
   */
  final List<String> sendAnswers = new CopyOnWriteArrayList<>();

  /** Every send attempt, accepted or not. */
  final List<SendRequest> attempts = new CopyOnWriteArrayList<>();

  /** When each attempt was made (workflow time). */
  final List<Instant> attemptTimes = new CopyOnWriteArrayList<>();

  /** Keys the reconciliation finds bound to a wamid (a status webhook or a late answer did it). */
  final java.util.Map<String, String> reconciled = new java.util.concurrent.ConcurrentHashMap<>();

  /** How many times the workflow asked what is known of a lost send. */
  final AtomicInteger reconcileCalls = new AtomicInteger();

  /** The detail of a reconcile that finds nothing (e.g. {@link SendResult#NEEDS_OPERATOR}). */
  volatile String unknownDetail;

  /** Run once inside the next reconcile, after its answer is read (a status arriving meanwhile). */
  volatile java.util.function.Consumer<String> duringReconcile;

  /** When set, composition fails for good with this message. */
  volatile String composeFailure;

  private final AtomicInteger wamids = new AtomicInteger();
  private final TestWorkflowEnvironment env;
  volatile String timezone = "UTC";
  volatile boolean doNotContact;

  /** Leads whose number is suppressed (several leads share one environment in some tests). */
  final java.util.Set<String> doNotContactLeads =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  volatile LeadPolicy policy = policy(Duration.ofHours(24), Duration.ofHours(72));

  /** The tests' policy with these follow-up delays: 2 follow-ups, no quiet hours, approve. */
  static LeadPolicy policy(Duration readNoReply, Duration unread) {
    return policy(readNoReply, unread, 2);
  }

  /** As above, with this many follow-ups at most. */
  static LeadPolicy policy(Duration readNoReply, Duration unread, int maxFollowUps) {
    return new LeadPolicy(
        readNoReply,
        unread,
        maxFollowUps,
        "00:00",
        "00:00",
        Duration.ofHours(24),
        Duration.ofMinutes(1),
        3,
        Duration.ofHours(4),
        "approve");
  }

  FakeLeadActivities(TestWorkflowEnvironment env) {
    this.env = env;
  }

  /**
   * Owners the hand-offs assign in turn (attempt n gets the (n-1)th, round the list); none: nobody
   * takes the segment. {@link #ownersFull}: owners exist but none has capacity.
   */
  final List<String> owners = new CopyOnWriteArrayList<>();

  volatile boolean ownersFull;

  /**
   * An attempt decided before the workflow asked (the API's reassignment by hand claimed it): the
   * activity answers it for its attempt, as the real one answers a claimed attempt.
   */
  volatile OwnerAssignment decided;

  final List<HandOffRequest> handOffs = new CopyOnWriteArrayList<>();

  /** Runs once inside the next hand-off, as if something happened while it was being decided. */
  volatile Runnable duringHandOff;

  final List<String> reminders = new CopyOnWriteArrayList<>();

  @Override
  public OwnerAssignment handOff(HandOffRequest request) {
    handOffs.add(request);
    Runnable during = duringHandOff;
    if (during != null) {
      duringHandOff = null;
      during.run();
    }
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    OwnerAssignment claimed = decided;
    if (claimed != null && claimed.attempt() == request.attempt()) {
      return claimed;
    }
    if (ownersFull) {
      return new OwnerAssignment(
          null, request.attempt(), null, null, now.plus(Duration.ofMinutes(15)), "at capacity");
    }
    if (owners.isEmpty()) {
      return new OwnerAssignment(
          null, request.attempt(), null, null, null, "no active owner takes segment");
    }
    String owner = owners.get((request.attempt() - 1) % owners.size());
    return new OwnerAssignment(
        owner,
        request.attempt(),
        now.plus(request.sla().dividedBy(2)),
        now.plus(request.sla()),
        null,
        null);
  }

  /** Whether the segment lets drafts go without a person (the activity then stores them). */
  volatile boolean autoSendDrafts;

  /** Replies the agent was asked to draft an answer to (lead:message). */
  final List<String> drafts = new CopyOnWriteArrayList<>();

  @Override
  public DraftedAnswer draftAnswer(String leadId, String replyMessageId) {
    drafts.add(leadId + ":" + replyMessageId);
    return new DraftedAnswer(
        leadId + ":" + replyMessageId,
        true,
        0.8,
        List.of("kb-pricing"),
        "knowledge-base",
        autoSendDrafts ? "lead-" + leadId + "-agent-" + replyMessageId : null,
        withheldDrafts);
  }

  /** Why the activity makes no draft (the number said stop), or null: it drafts. */
  volatile String withheldDrafts;

  @Override
  public void remindOwner(String leadId, String ownerId, int attempt) {
    reminders.add(ownerId + ":" + attempt);
  }

  /** The SLA moves the queue was told of (owner:attempt:remindAt:dueAt). */
  final List<String> slaMoves = new CopyOnWriteArrayList<>();

  @Override
  public void moveSla(String leadId, String ownerId, int attempt, Instant remindAt, Instant dueAt) {
    slaMoves.add(ownerId + ":" + attempt + ":" + remindAt + ":" + dueAt);
  }

  @Override
  public LeadProfile profile(String leadId) {
    return new LeadProfile("smb", timezone, "en");
  }

  final AtomicInteger assignments = new AtomicInteger();

  @Override
  public VariantAssignment assignVariant(String leadId, String segment) {
    assignments.incrementAndGet();
    return new VariantAssignment("v-scaling", "scaling", "round_robin", segment);
  }

  /** The segment each composeAndSendInSegment was given (the workflow's at that send). */
  final java.util.List<String> dispatchedSegments =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The segment matchAndAssign answers after research (null: the one it was given). */
  volatile String researchedSegment;

  @Override
  public VariantAssignment matchAndAssign(String leadId, String segment) {
    assignments.incrementAndGet();
    return new VariantAssignment(
        "v-scaling",
        "scaling",
        "round_robin",
        researchedSegment == null ? segment : researchedSegment);
  }

  @Override
  public VariantAssignment reassignVariant(String leadId, String segment) {
    return new VariantAssignment("v-cost", "cost savings", "round_robin", segment);
  }

  @Override
  public LeadPolicy policy(String leadId, String segment) {
    policiesAsked.add(segment);
    return "vp-saas".equals(segment) && segmentPolicy != null ? segmentPolicy : policy;
  }

  /**
   * The segment matchSegment answers (null: the current one), and the segments policy was read for.
   */
  volatile String matchedSegment;

  volatile LeadPolicy segmentPolicy;
  final java.util.List<String> policiesAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
  final java.util.List<String> matchesAsked = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public String matchSegment(String leadId, String current) {
    matchesAsked.add(current);
    return matchedSegment == null ? current : matchedSegment;
  }

  /** The first this many timeline records fail as they do while MongoDB is unreachable. */
  final AtomicInteger recordFailures = new AtomicInteger();

  @Override
  public void record(LeadEvent event) {
    if (recordFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("Timed out while waiting for a server (MongoDB)");
    }
    events.add(event);
    java.util.function.Consumer<LeadEvent> during = duringRecord;
    if (during != null) {
      during.accept(event);
    }
  }

  /** Runs inside each record (e.g. a signal that lands while the outcome is being recorded). */
  volatile java.util.function.Consumer<LeadEvent> duringRecord;

  /**
   * Inside the first record {@code when} accepts: runs {@code signals}, then takes 1.5 s (a slow
   * MongoDB), so that with a 1 s workflow task timeout the record spans workflow tasks and the
   * signals land while the run waits for it.
   */
  void slowlyDuringRecord(java.util.function.Predicate<LeadEvent> when, Runnable signals) {
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    duringRecord =
        e -> {
          if (when.test(e) && done.compareAndSet(false, true)) {
            signals.run();
            try {
              Thread.sleep(1500);
            } catch (InterruptedException x) {
              Thread.currentThread().interrupt();
            }
          }
        };
  }

  @Override
  public void recordApproval(ApprovalRecord approval) {
    approvals.add(approval);
  }

  /** Reads the webhook stored in "MongoDB" without signalling them: wamid -> read time. */
  final java.util.Map<String, Instant> readReceipts =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** When the workflow looked a read up (workflow time). */
  final List<Instant> readLookups = new CopyOnWriteArrayList<>();

  /** Messages whose later read is to be signalled (the look marked them). */
  final java.util.Set<String> readSignalled = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Override
  public MessageStatusSignal readReceipt(String leadId, String wamid) {
    readLookups.add(Instant.ofEpochMilli(env.currentTimeMillis()));
    readSignalled.add(wamid);
    Instant at = readReceipts.get(wamid);
    return at == null ? null : new MessageStatusSignal(wamid, "read", at, null);
  }

  /** The first this many research attempts fail as they do while MongoDB is unreachable. */
  volatile int researchOutageAttempts;

  final AtomicInteger researchAttempts = new AtomicInteger();

  /** Research fails for good (as for a lead whose contact is gone). */
  volatile boolean researchFailsForGood;

  @Override
  public int research(String leadId) {
    if (researchFailsForGood) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
          "no contact for lead " + leadId, "UnknownLead");
    }
    if (researchAttempts.incrementAndGet() <= researchOutageAttempts) {
      throw new IllegalStateException(
          "Timed out while waiting for a server that matches WritableServerSelector");
    }
    return 3;
  }

  @Override
  public ComposedMessage compose(ComposeRequest request) {
    if (composeFailure != null) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
          composeFailure, "MissingTemplate");
    }
    composed.add(request);
    String decision = decisions.isEmpty() ? ComposedMessage.APPROVE : decisions.remove(0);
    return new ComposedMessage(request.idempotencyKey(), "offline-template", 42, 0.9, decision);
  }

  @Override
  public SendResult send(SendRequest request) {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    attempts.add(request);
    attemptTimes.add(now);
    if (sendFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw io.temporal.failure.ApplicationFailure.newFailure(
          "connection refused", "WhatsAppUnavailable");
    }
    if (silentSends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw silent();
    }
    if (doNotContact || doNotContactLeads.contains(request.leadId())) {
      return new SendResult(null, now, true, false);
    }
    if (!sendAnswers.isEmpty()) {
      String[] answer = sendAnswers.remove(0).split(":");
      if (SendResult.SENDER_BUSY.equals(answer[0])) {
        return SendResult.senderBusy(
            Duration.ofMillis(answer.length > 1 ? Long.parseLong(answer[1]) : 1000), "scripted");
      }
      return SendResult.notSent(
          answer[0], answer.length > 1 ? Integer.valueOf(answer[1]) : null, "scripted");
    }
    String wamid = "wamid.test-" + wamids.incrementAndGet();
    ComposeRequest compose =
        composed.stream()
            .filter(c -> c.idempotencyKey().equals(request.idempotencyKey()))
            .findFirst()
            .orElse(null);
    if (compose == null
        && !request.idempotencyKey().contains("-owner-")
        && !request.idempotencyKey().contains("-agent-")) {
      throw new IllegalStateException("send before compose");
    }
    sends.add(new Sent(now, request, wamid, compose));
    return new SendResult(wamid, now, false, false);
  }

  /** Variants switched off in the store: compose-and-send sees them before any signal. */
  final java.util.Set<String> disabledVariants = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Each compose-and-send asked for (the combined activity of "compose-and-send" version 1). */
  final List<ComposeRequest> dispatched = new CopyOnWriteArrayList<>();

  /** As the real one: compose, then send once when approved and the variant is still on. */
  @Override
  public Dispatched composeAndSendInSegment(ComposeRequest request, String segment) {
    matchesAsked.add(segment);
    dispatchedSegments.add(segment);
    String now = matchedSegment == null ? segment : matchedSegment;
    return composeAndSend(request).inSegment(now);
  }

  /**
   * The next this many compose-and-send attempts go silent, as on a worker killed mid-call: no
   * answer and no heartbeat, ever (the attempt's thread is parked until the environment closes).
   */
  final AtomicInteger silentDispatches = new AtomicInteger();

  /** An attempt on a worker that died: no answer, no heartbeat, until the test ends. */
  private static IllegalStateException silent() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new IllegalStateException("the silent attempt's worker is gone");
  }

  /** The next this many send attempts never answer nor heartbeat, as on a worker that died. */
  final AtomicInteger silentSends = new AtomicInteger();

  @Override
  public Dispatched composeAndSend(ComposeRequest request) {
    dispatched.add(request);
    if (silentDispatches.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw silent();
    }
    ComposedMessage composed = compose(request);
    if (!ComposedMessage.APPROVE.equals(composed.decision())) {
      return Dispatched.notSent(composed, Dispatched.NOT_APPROVED);
    }
    if (disabledVariants.contains(request.variantId())) {
      return Dispatched.notSent(composed, Dispatched.VARIANT_DISABLED);
    }
    try {
      return Dispatched.sent(
          composed,
          send(
              new SendRequest(
                  request.leadId(),
                  request.idempotencyKey(),
                  request.step(),
                  request.template(),
                  false,
                  false)));
    } catch (RuntimeException e) {
      return Dispatched.notSent(composed, Dispatched.SEND_FAILED);
    }
  }

  /** The next this many send attempts fail as when the Cloud API cannot be reached. */
  final AtomicInteger sendFailures = new AtomicInteger();

  @Override
  public SendResult reconcile(String leadId, String idempotencyKey) {
    reconcileCalls.incrementAndGet();
    String wamid = reconciled.get(idempotencyKey);
    SendResult known =
        wamid == null
            ? SendResult.notSent(SendResult.UNKNOWN, null, unknownDetail)
            : SendResult.sent(wamid, Instant.ofEpochMilli(env.currentTimeMillis()), false);
    java.util.function.Consumer<String> during = duringReconcile;
    if (during != null) {
      duringReconcile = null;
      during.accept(idempotencyKey);
    }
    return known;
  }

  String wamid(int index) {
    return sends.get(index).wamid();
  }
}
