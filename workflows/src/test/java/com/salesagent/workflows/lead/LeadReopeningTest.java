package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lead whose workflow ended writes again: a new run of its workflow, started with the message
 * (signal-with-start, as the webhook does), goes on from the ended run's state.
 */
class LeadReopeningTest {
  private TestWorkflowEnvironment env;
  private FakeLeadActivities fake;
  private LeadWorkflow workflow;

  @BeforeEach
  void setUp() {
    env = LeadWorkflowTest.newEnvironment(LeadWorkflowTest.START);
    fake = new FakeLeadActivities(env);
    Worker worker = env.newWorker(LeadWorkflowTest.QUEUE);
    worker.registerWorkflowImplementationTypes(LeadWorkflowImpl.class);
    worker.registerActivitiesImplementations(fake);
    LeadWorkflowTest.serveResearch(env, fake);
    env.start();
    workflow = stub(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
    WorkflowClient.start(workflow::run, new LeadInput("L-1", "camp-1", null));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.sends.isEmpty() && System.nanoTime() < deadline) {
      env.sleep(Duration.ofSeconds(1));
    }
    assertThat(fake.sends).hasSize(1);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private LeadWorkflow stub(WorkflowIdReusePolicy reuse) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            LeadWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(LeadWorkflow.workflowId("L-1"))
                .setTaskQueue(LeadWorkflowTest.QUEUE)
                .setWorkflowIdReusePolicy(reuse)
                .build());
  }

  private Instant now() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  private InboundMessageSignal reply(String id, String intent) {
    return new InboundMessageSignal(id, fake.wamid(0), "text", now(), intent, null);
  }

  private LeadState ended() {
    return WorkflowStub.fromTyped(workflow).getResult(LeadState.class);
  }

  /** What the webhook does when its signal finds the run closed. */
  private LeadWorkflow reopen(LeadState ended, InboundMessageSignal message) {
    assertThat(LeadReopening.reopens(ended.stage(), message)).isTrue();
    LeadWorkflow next = stub(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
    BatchRequest request = env.getWorkflowClient().newSignalWithStartRequest();
    request.add(next::run, LeadReopening.input("camp-1", ended));
    request.add(next::inboundMessage, message);
    env.getWorkflowClient().signalWithStart(request);
    env.sleep(Duration.ofMinutes(1));
    return next;
  }

  private List<String> eventTypes() {
    return fake.events.stream().map(LeadEvent::type).toList();
  }

  @Test
  void aLeadThatSaidNoThenAsksForACallIsHandedToAnOwner() {
    fake.owners.add("ana");
    workflow.inboundMessage(reply("in-1", "not_interested"));
    LeadState ended = ended();
    assertThat(ended.stage()).isEqualTo(Stage.REPLIED);
    assertThat(ended.ended()).as("the result carries the run's whole state").isNotNull();
    assertThat(fake.handOffs).isEmpty();

    LeadWorkflow next = reopen(ended, reply("in-2", "interested"));

    LeadState now = next.state();
    assertThat(now.stage()).isEqualTo(Stage.HANDED_OFF);
    assertThat(fake.handOffs).hasSize(1);
    assertThat(eventTypes()).containsSubsequence("outcome", "reopened", "interested", "handed_off");
    assertThat(fake.events)
        .anyMatch(
            e ->
                "reopened".equals(e.type())
                    && e.detail().equals("the lead wrote again after it ended replied"));
    // The conversation goes on from what was: its messages and sends counted, nothing resent.
    assertThat(now.messages()).hasSize(1);
    assertThat(now.sendAttempts()).isEqualTo(ended.sendAttempts());
    assertThat(fake.sends).hasSize(1);
  }

  @Test
  void aLostLeadWritingAgainIsHandedOffAsTheNextAttempt() {
    fake.owners.add("ana");
    workflow.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));
    assertThat(fake.handOffs).extracting(HandOffRequest::attempt).containsExactly(1);
    workflow.outcome(new OutcomeSignal(OutcomeSignal.LOST, "no budget this year", "ops"));
    LeadState ended = ended();
    assertThat(ended.stage()).isEqualTo(Stage.LOST);

    LeadWorkflow next = reopen(ended, reply("in-2", "interested"));

    assertThat(next.state().stage()).isEqualTo(Stage.HANDED_OFF);
    assertThat(fake.handOffs).extracting(HandOffRequest::attempt).containsExactly(1, 2);
    assertThat(fake.handOffs)
        .extracting(HandOffRequest::preferredOwnerId)
        .as("the owner it knows is asked first, once")
        .containsExactly(null, "ana");
  }

  /**
   * A second lead whose workflow task timeout is 1 s, so that a record that takes 1.5 s (MongoDB
   * slow) is a local activity the worker keeps alive across workflow tasks: a signal that lands
   * meanwhile is taken in by the run while it waits for it.
   */
  private LeadWorkflow slowRecordLead() {
    LeadWorkflow lead =
        env.getWorkflowClient()
            .newWorkflowStub(
                LeadWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(LeadWorkflow.workflowId("L-2"))
                    .setTaskQueue(LeadWorkflowTest.QUEUE)
                    .setWorkflowTaskTimeout(Duration.ofSeconds(1))
                    .build());
    WorkflowClient.start(lead::run, new LeadInput("L-2", "camp-1", null));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.sends.size() < 2 && System.nanoTime() < deadline) {
      env.sleep(Duration.ofSeconds(1));
    }
    assertThat(fake.sends).hasSize(2);
    return lead;
  }

  /** Sends the message once while the lead's outcome is being recorded, which takes 1.5 s. */
  private void whileTheOutcomeIsRecorded(LeadWorkflow lead, InboundMessageSignal message) {
    fake.slowlyDuringRecord(
        e -> "L-2".equals(e.leadId()) && "outcome".equals(e.type()),
        () -> lead.inboundMessage(message));
  }

  private InboundMessageSignal replyTo(String wamid, String id, String intent) {
    return new InboundMessageSignal(id, wamid, "text", now(), intent, null);
  }

  private List<String> eventTypes(String leadId) {
    return fake.events.stream()
        .filter(e -> leadId.equals(e.leadId()))
        .map(LeadEvent::type)
        .toList();
  }

  /**
   * A message that lands while the run ends (its outcome being recorded) was taken in by the ending
   * run and lost: the webhook's signal had found the run open, so nothing reopened it.
   */
  @Test
  void aMessageThatLandsWhileTheRunEndsReopensItInPlace() {
    fake.owners.add("ana");
    LeadWorkflow lead = slowRecordLead();
    String wamid = fake.wamid(1);
    whileTheOutcomeIsRecorded(lead, replyTo(wamid, "in-2", "interested"));
    lead.inboundMessage(replyTo(wamid, "in-1", "not_interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(eventTypes("L-2"))
        .containsSubsequence("outcome", "reopened", "interested", "handed_off");
    assertThat(lead.state().stage()).isEqualTo(Stage.HANDED_OFF);
    assertThat(fake.handOffs).hasSize(1);
    assertThat(fake.sends).as("nothing resent").hasSize(2);
    assertThat(
            env.getWorkflowClient()
                .newUntypedWorkflowStub(LeadWorkflow.workflowId("L-2"))
                .describe()
                .getWorkflowExecutionInfo()
                .getStatus())
        .isEqualTo(
            io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  /**
   * "Ok, thanks" after a no, landing while the run records its end: told as other (as to any live
   * run), it reopened the lead and handed it to a person for nothing, where the same closing a
   * moment later (the run ended) reopens nothing. It leaves the run ended and tells nobody.
   */
  @Test
  void aClosingThatLandsWhileTheRunEndsLeavesItEnded() {
    fake.owners.add("ana");
    LeadWorkflow lead = slowRecordLead();
    String wamid = fake.wamid(1);
    whileTheOutcomeIsRecorded(
        lead, new InboundMessageSignal("in-2", wamid, "text", now(), "other", null, true));
    lead.inboundMessage(replyTo(wamid, "in-1", "not_interested"));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.REPLIED);
    assertThat(eventTypes("L-2")).doesNotContain("reopened", "replied_again");
    assertThat(fake.handOffs).isEmpty();
    assertThat(fake.sends).hasSize(2);
  }

  /**
   * A closing beside a message that reopens the run: the run reopens and takes both in, in order,
   * as a live run would.
   */
  @Test
  void aClosingBesideAnInterestedMessageWhileTheRunEndsStillReopens() {
    fake.owners.add("ana");
    LeadWorkflow lead = slowRecordLead();
    String wamid = fake.wamid(1);
    fake.slowlyDuringRecord(
        e -> "L-2".equals(e.leadId()) && "outcome".equals(e.type()),
        () -> {
          lead.inboundMessage(
              new InboundMessageSignal("in-2", wamid, "text", now(), "other", null, true));
          lead.inboundMessage(replyTo(wamid, "in-3", "interested"));
        });
    lead.inboundMessage(replyTo(wamid, "in-1", "not_interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(eventTypes("L-2")).containsSubsequence("outcome", "reopened", "handed_off");
    assertThat(lead.state().stage()).isEqualTo(Stage.HANDED_OFF);
  }

  /**
   * A message that lands while a quick ending record runs (inside the workflow task that ends the
   * run): the server refuses the run's completion, and the task tried again holds both messages,
   * where the later one decides. The ending record has run by then (the timeline says "outcome").
   */
  @Test
  void aMessageThatLandsDuringAQuickEndingRecordIsActedOn() {
    fake.owners.add("ana");
    java.util.concurrent.atomic.AtomicBoolean sent =
        new java.util.concurrent.atomic.AtomicBoolean();
    fake.duringRecord =
        e -> {
          if ("outcome".equals(e.type()) && sent.compareAndSet(false, true)) {
            workflow.inboundMessage(reply("in-2", "interested"));
          }
        };
    workflow.inboundMessage(reply("in-1", "not_interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(sent).isTrue();
    assertThat(workflow.state().stage()).isEqualTo(Stage.HANDED_OFF);
    assertThat(eventTypes()).containsSubsequence("outcome", "interested", "handed_off");
  }

  /** A stopped lead's message while it ends is not acted on, but the team is told. */
  @Test
  void aMessageThatLandsWhileAStoppedRunEndsIsToldNotReopened() {
    fake.owners.add("ana");
    LeadWorkflow lead = slowRecordLead();
    whileTheOutcomeIsRecorded(lead, replyTo(fake.wamid(1), "in-2", "interested"));
    lead.stop("the rep called them");

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.STOPPED);
    assertThat(fake.events)
        .anyMatch(
            e ->
                "replied_again".equals(e.type())
                    && "in-2".equals(e.wamid())
                    && "wrote after the lead ended stopped".equals(e.detail()));
    assertThat(eventTypes("L-2")).doesNotContain("reopened");
    assertThat(fake.handOffs).isEmpty();
  }

  /**
   * An operator's stop and the lead's message taken in by the run together (both landed while it
   * waited for a slow record): the stop stands, and the message is told, not dropped.
   */
  @Test
  void aMessageTakenInWithAStopIsToldAndTheStopStands() {
    fake.owners.add("ana");
    LeadWorkflow lead = slowRecordLead();
    String wamid = fake.wamid(1);
    fake.slowlyDuringRecord(
        e -> "L-2".equals(e.leadId()) && "follow_up_read".equals(e.nextAction()),
        () -> {
          lead.stop("the rep called them");
          lead.inboundMessage(replyTo(wamid, "in-2", "interested"));
        });
    lead.messageStatus(new MessageStatusSignal(wamid, "read", now(), null));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.STOPPED);
    assertThat(fake.events)
        .anyMatch(
            e ->
                "replied_again".equals(e.type())
                    && "in-2".equals(e.wamid())
                    && "wrote after the lead ended stopped".equals(e.detail()));
    assertThat(fake.handOffs).isEmpty();
    assertThat(fake.sends).hasSize(2);
  }

  /** A result from before results carried the run (its view only) still reopens the lead. */
  @Test
  void aResultWithoutTheRunReopensFromItsView() {
    fake.owners.add("ana");
    workflow.inboundMessage(reply("in-1", "not_interested"));
    LeadState full = ended();
    LeadState viewOnly =
        new LeadState(
            full.leadId(),
            full.stage(),
            full.segment(),
            full.variantId(),
            full.nextAction(),
            full.nextActionAt(),
            full.followUpsSent(),
            full.sendAttempts(),
            full.paused(),
            full.lastInboundAt(),
            full.outcomeReason(),
            full.messages(),
            full.pendingApproval(),
            full.deliveryUnknown());
    assertThat(LeadReopening.input("camp-1", viewOnly).carried()).isEqualTo(viewOnly);

    LeadWorkflow next = reopen(viewOnly, reply("in-2", "interested"));

    assertThat(next.state().stage()).isEqualTo(Stage.HANDED_OFF);
    assertThat(next.state().sendAttempts()).isEqualTo(full.sendAttempts());
    assertThat(fake.events).anyMatch(e -> "reopened".equals(e.type()));
  }

  @Test
  void aLateReplyAfterNoResponseWithADateSnoozesUntilThenAndTheFollowUpGetsANewKey() {
    env.sleep(Duration.ofDays(10));
    LeadState ended = ended();
    assertThat(ended.stage()).isEqualTo(Stage.NO_RESPONSE);
    assertThat(fake.sends).hasSize(3);
    Instant march = now().plus(Duration.ofDays(20));

    LeadWorkflow next =
        reopen(
            ended,
            new InboundMessageSignal("in-1", fake.wamid(2), "text", now(), "not_now", march));

    assertThat(next.state().stage()).isEqualTo(Stage.SNOOZED);
    assertThat(next.state().nextActionAt()).isEqualTo(march);
    env.sleep(Duration.ofDays(20).plusMinutes(1));
    assertThat(fake.sends).hasSize(4);
    List<String> keys = fake.sends.stream().map(s -> s.request().idempotencyKey()).toList();
    assertThat(keys).as("a new key: the old run's sends are not repeated").doesNotHaveDuplicates();
    assertThat(fake.sends.get(3).request().step()).isEqualTo(3);
  }

  @Test
  void noNewRunForAnOptOutAStopAConversionOrAReplyThatEndsItAgain() {
    InboundMessageSignal interested = reply("in-9", "interested");
    assertThat(LeadReopening.reopens(Stage.OPTED_OUT, interested)).isFalse();
    assertThat(LeadReopening.reopens(Stage.STOPPED, interested)).isFalse();
    assertThat(LeadReopening.reopens(Stage.CONVERTED, interested)).isFalse();
    assertThat(LeadReopening.reopens(Stage.FAILED, interested)).isFalse();
    assertThat(LeadReopening.reopens(Stage.LOST, interested)).isTrue();
    assertThat(LeadReopening.reopens(Stage.NO_RESPONSE, interested)).isTrue();
    assertThat(LeadReopening.reopens(Stage.REPLIED, reply("in-9", "not_interested"))).isFalse();
    assertThat(LeadReopening.reopens(Stage.REPLIED, reply("in-9", "wrong_person"))).isFalse();
    assertThat(
            LeadReopening.reopens(
                Stage.REPLIED,
                new InboundMessageSignal("in-9", null, "reaction", now(), null, null)))
        .isFalse();
  }

  @Test
  void aVoiceNoteBeingTranscribedReopensTheLeadForAPersonAndItsTriageDecidesAgain() {
    fake.owners.add("ana");
    env.sleep(Duration.ofDays(10));
    LeadState ended = ended();
    assertThat(ended.stage()).isEqualTo(Stage.NO_RESPONSE);
    InboundMessageSignal voice =
        new InboundMessageSignal(
            "in-voice", null, "audio", now(), InboundMessageSignal.AWAITING_TRANSCRIPT, null);

    LeadWorkflow next = reopen(ended, LeadReopening.opening(voice));

    assertThat(next.state().stage()).isEqualTo(Stage.HANDED_OFF);
    assertThat(fake.handOffs).hasSize(1);
    // The transcript's triage (InboundMediaWorkflow signals it): interest.
    next.inboundMessage(
        new InboundMessageSignal("in-voice", null, "audio", now(), "interested", null));
    env.sleep(Duration.ofMinutes(1));
    assertThat(eventTypes()).containsSubsequence("reopened", "handed_off", "interested");
    assertThat(next.state().stage()).isEqualTo(Stage.HANDED_OFF);
    assertThat(fake.sends).as("nothing is sent to the lead by the reopening").hasSize(3);
  }
}
