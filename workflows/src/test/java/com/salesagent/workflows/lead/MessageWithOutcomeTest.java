package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

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
 * An operator's outcome and a message from the lead taken in by the run together, before the
 * lifecycle could weigh the message (both landed while it waited for a slow record, so one workflow
 * task holds both): the outcome is recorded and the message is acted on as one that lands once the
 * run has ended (version "message-with-outcome"). Before, the outcome outranked the reply and the
 * run completed with the message unhandled: no reopening, nobody told (CI on 72865432, {@code
 * WebhookApplicationTest#aLostLeadThatWroteAgainCanBeMarkedConverted}).
 */
class MessageWithOutcomeTest {
  private TestWorkflowEnvironment env;
  private FakeLeadActivities fake;
  private LeadWorkflow lead;

  /**
   * A lead whose workflow task timeout is 1 s (so that a record taking 1.5 s spans workflow tasks),
   * interested after its first message: handed to ana, waiting for an outcome.
   */
  @BeforeEach
  void setUp() {
    env = LeadWorkflowTest.newEnvironment(LeadWorkflowTest.START);
    fake = new FakeLeadActivities(env);
    Worker worker = env.newWorker(LeadWorkflowTest.QUEUE);
    worker.registerWorkflowImplementationTypes(LeadWorkflowImpl.class);
    worker.registerActivitiesImplementations(fake);
    LeadWorkflowTest.serveResearch(env, fake);
    env.start();
    fake.owners.add("ana");
    lead =
        env.getWorkflowClient()
            .newWorkflowStub(
                LeadWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(LeadWorkflow.workflowId("L-1"))
                    .setTaskQueue(LeadWorkflowTest.QUEUE)
                    .setWorkflowTaskTimeout(Duration.ofSeconds(1))
                    .build());
    WorkflowClient.start(lead::run, new LeadInput("L-1", "camp-1", null));
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

  private Instant now() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  private InboundMessageSignal reply(String id, String intent) {
    return new InboundMessageSignal(id, fake.wamid(0), "text", now(), intent, null);
  }

  private List<String> eventTypes() {
    return fake.events.stream().map(LeadEvent::type).toList();
  }

  /** Runs {@code signals} inside the "interested" record, which then takes 1.5 s. */
  private void duringTheInterestedRecord(Runnable signals) {
    fake.slowlyDuringRecord(e -> "interested".equals(e.type()), signals);
  }

  @Test
  void aMessageAfterALostOutcomeInTheSameTaskReopensTheLead() {
    duringTheInterestedRecord(
        () -> {
          lead.outcome(new OutcomeSignal(OutcomeSignal.LOST, "went quiet", "ops"));
          lead.inboundMessage(reply("in-2", "interested"));
        });
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(eventTypes()).containsSubsequence("interested", "outcome", "reopened", "interested");
    assertThat(fake.events)
        .anyMatch(e -> "outcome".equals(e.type()) && "lost".equals(e.stage()))
        .anyMatch(
            e ->
                "reopened".equals(e.type())
                    && "the lead wrote again after it ended lost".equals(e.detail()));
    assertThat(lead.state().stage().interested()).as(lead.state().stage().key()).isTrue();
    assertThat(fake.handOffs).as("the reopened lead is handed off").hasSize(1);
    assertThat(fake.sends).as("nothing resent").hasSize(1);
  }

  /** The message first, then the outcome, in one task: the operator had not seen it either. */
  @Test
  void aMessageBeforeALostOutcomeInTheSameTaskReopensTheLead() {
    duringTheInterestedRecord(
        () -> {
          lead.inboundMessage(reply("in-2", "interested"));
          lead.outcome(new OutcomeSignal(OutcomeSignal.LOST, "went quiet", "ops"));
        });
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(eventTypes()).containsSubsequence("interested", "outcome", "reopened", "interested");
    assertThat(lead.state().stage().interested()).isTrue();
  }

  /** A customer's message with the conversion: the conversion stands, the team is told. */
  @Test
  void aMessageWithAConversionIsToldAndTheConversionStands() {
    duringTheInterestedRecord(
        () -> {
          lead.outcome(new OutcomeSignal(OutcomeSignal.CONVERTED, "signed", "ana"));
          lead.inboundMessage(reply("in-2", "question"));
        });
    lead.inboundMessage(reply("in-1", "interested"));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.CONVERTED);
    assertThat(fake.events)
        .anyMatch(
            e ->
                "replied_again".equals(e.type())
                    && "in-2".equals(e.wamid())
                    && "wrote after the lead ended converted".equals(e.detail()));
    assertThat(eventTypes()).doesNotContain("reopened");
  }

  /**
   * The message the lifecycle already acted on (the interest being recorded) is not taken again
   * when the outcome lands alone: the lead ends lost, nothing reopens it, nobody is told twice.
   */
  @Test
  void aLostOutcomeAloneAfterAWeighedMessageEndsTheLead() {
    duringTheInterestedRecord(
        () -> lead.outcome(new OutcomeSignal(OutcomeSignal.LOST, "went quiet", "ops")));
    lead.inboundMessage(reply("in-1", "interested"));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.LOST);
    assertThat(eventTypes()).doesNotContain("reopened", "replied_again");
    assertThat(fake.handOffs).isEmpty();
  }
}
