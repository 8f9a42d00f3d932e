package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
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
 * A reply that lands while the lifecycle acts on the lead's reply before it (the interest being
 * recorded slowly, so one workflow task takes the new reply in while the loop is inside that step):
 * acted on next, as one a moment later (version "reply-while-acting"). Before, the loop went on to
 * end the lead replied on it.
 */
class ReplyWhileActingTest {
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

  private void duringTheRecordOf(String type, Runnable signals) {
    fake.slowlyDuringRecord(e -> type.equals(e.type()), signals);
  }

  /** "Yes!" then "how much?" while the interest is recorded: still interested, handed off. */
  @Test
  void aQuestionWhileTheInterestIsRecordedGoesOnAsAConversation() {
    duringTheRecordOf("interested", () -> lead.inboundMessage(reply("in-2", "question")));
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(lead.state().stage().terminal()).as(lead.state().stage().key()).isFalse();
    assertThat(fake.events)
        .anyMatch(
            e ->
                "replied_again".equals(e.type())
                    && "in-2".equals(e.wamid())
                    && "the conversation goes on".equals(e.detail()));
    assertThat(fake.handOffs).as("the interested lead is still handed off").isNotEmpty();
    assertThat(eventTypes()).doesNotContain("outcome");
  }

  /**
   * A question, then "I'm interested" while the question's hand-off is recorded: the interest is
   * acted on (interested), not ended as a plain reply.
   */
  @Test
  void anInterestWhileAQuestionIsHandedOffIsActedOn() {
    duringTheRecordOf("handed_off", () -> lead.inboundMessage(reply("in-2", "interested")));
    lead.inboundMessage(reply("in-1", "question"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(lead.state().stage().terminal()).as(lead.state().stage().key()).isFalse();
    assertThat(fake.events)
        .anyMatch(e -> "interested".equals(e.type()) && "in-2".equals(e.wamid()));
  }
}
