package com.salesagent.workflows.lead;

import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory activities for workflow tests: they record what the workflow asked for, and when. */
class FakeLeadActivities
    implements LeadActivities, ResearchActivities, ComposeActivities, MessagingActivities {
  record Sent(Instant at, SendRequest request, String wamid, ComposeRequest compose) {}

  final List<Sent> sends = new CopyOnWriteArrayList<>();
  final List<LeadEvent> events = new CopyOnWriteArrayList<>();
  final List<ComposeRequest> composed = new CopyOnWriteArrayList<>();
  final List<ApprovalRecord> approvals = new CopyOnWriteArrayList<>();

  /** Gate decisions the next compositions get, in order; approve once empty. */
  final List<String> decisions = new CopyOnWriteArrayList<>();

  private final AtomicInteger wamids = new AtomicInteger();
  private final TestWorkflowEnvironment env;
  volatile String timezone = "UTC";
  volatile boolean doNotContact;
  volatile LeadPolicy policy =
      new LeadPolicy(
          Duration.ofHours(24),
          Duration.ofHours(72),
          2,
          "00:00",
          "00:00",
          Duration.ofHours(24),
          Duration.ofMinutes(1),
          3,
          Duration.ofHours(4),
          "approve");

  FakeLeadActivities(TestWorkflowEnvironment env) {
    this.env = env;
  }

  @Override
  public LeadProfile profile(String leadId) {
    return new LeadProfile("smb", timezone, "en");
  }

  @Override
  public VariantAssignment assignVariant(String leadId, String segment) {
    return new VariantAssignment("v-scaling", "scaling", "round_robin");
  }

  @Override
  public VariantAssignment reassignVariant(String leadId, String segment) {
    return new VariantAssignment("v-cost", "cost savings", "round_robin");
  }

  @Override
  public LeadPolicy policy(String leadId, String segment) {
    return policy;
  }

  @Override
  public void record(LeadEvent event) {
    events.add(event);
  }

  @Override
  public void recordApproval(ApprovalRecord approval) {
    approvals.add(approval);
  }

  @Override
  public int research(String leadId) {
    return 3;
  }

  @Override
  public ComposedMessage compose(ComposeRequest request) {
    composed.add(request);
    String decision = decisions.isEmpty() ? ComposedMessage.APPROVE : decisions.remove(0);
    return new ComposedMessage(request.idempotencyKey(), "offline-template", 42, 0.9, decision);
  }

  @Override
  public SendResult send(SendRequest request) {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    if (doNotContact) {
      return new SendResult(null, now, true, false);
    }
    String wamid = "wamid.test-" + wamids.incrementAndGet();
    ComposeRequest compose =
        composed.stream()
            .filter(c -> c.idempotencyKey().equals(request.idempotencyKey()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("send before compose"));
    sends.add(new Sent(now, request, wamid, compose));
    return new SendResult(wamid, now, false, false);
  }

  String wamid(int index) {
    return sends.get(index).wamid();
  }
}
