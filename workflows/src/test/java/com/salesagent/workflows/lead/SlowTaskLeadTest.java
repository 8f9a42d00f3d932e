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

/**
 * Tests of a lead (L-1, ana its only owner) whose workflow task timeout is 1 s, so that a record
 * made slow ({@link FakeLeadActivities#slowlyDuringRecord}, 1.5 s) spans workflow tasks: the
 * signals sent inside it are taken in by one task while the lifecycle waits for that step. The
 * lead's first message is sent before each test.
 */
abstract class SlowTaskLeadTest {
  protected TestWorkflowEnvironment env;
  protected FakeLeadActivities fake;
  protected LeadWorkflow lead;

  @BeforeEach
  void startTheLead() {
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
  void closeTheEnvironment() {
    env.close();
  }

  protected Instant now() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  protected InboundMessageSignal reply(String id, String intent) {
    return new InboundMessageSignal(id, fake.wamid(0), "text", now(), intent, null);
  }

  /** A voice note's announcement: it is being transcribed. */
  protected InboundMessageSignal announcement(String id) {
    return new InboundMessageSignal(
        id, fake.wamid(0), "audio", now(), InboundMessageSignal.AWAITING_TRANSCRIPT, null);
  }

  /** A voice note's triage (its transcript read as {@code intent}). */
  protected InboundMessageSignal voiceNote(String id, String intent) {
    return new InboundMessageSignal(id, fake.wamid(0), "audio", now(), intent, null);
  }

  protected List<String> eventTypes() {
    return fake.events.stream().map(LeadEvent::type).toList();
  }

  /** Runs {@code signals} inside the first record of this type, which then takes 1.5 s. */
  protected void duringTheRecordOf(String type, Runnable signals) {
    fake.slowlyDuringRecord(e -> type.equals(e.type()), signals);
  }
}
