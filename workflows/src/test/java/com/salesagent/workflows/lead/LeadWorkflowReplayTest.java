package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Replays committed histories of LeadWorkflow against today's code: a change that running workflows
 * would replay differently fails here until it is put behind Workflow.getVersion.
 *
 * <p>To record a history again (only when the change is versioned and the old history still
 * replays): {@code ./mvnw test -pl workflows -Dtest=LeadWorkflowReplayTest -DrecordHistories=true}.
 */
class LeadWorkflowReplayTest {
  /** Recorded before the "skip-unchanged-stage" version: every wake-up recorded the stage. */
  static final String BEFORE_SKIP_UNCHANGED = "histories/lead-follow-up-then-reply.json";

  /** Recorded before the "quality-gate" version: composed messages were sent without a gate. */
  static final String BEFORE_QUALITY_GATE = "histories/lead-follow-up-then-reply-v2.json";

  /** Recorded with today's code; -DrecordHistories=true rewrites only this one. */
  static final String CURRENT = "histories/lead-follow-up-then-reply-v3.json";

  @Test
  void aHistoryFromBeforeTheQualityGateStillReplays() throws Exception {
    replay(BEFORE_QUALITY_GATE);
  }

  @Test
  void aHistoryFromBeforeTheSkipUnchangedStageVersionStillReplays() throws Exception {
    replay(BEFORE_SKIP_UNCHANGED);
  }

  @Test
  void theCurrentHistoryReplays() throws Exception {
    if (Boolean.getBoolean("recordHistories")) {
      record(CURRENT);
    }
    replay(CURRENT);
  }

  private static void replay(String resource) throws Exception {
    try (TestWorkflowEnvironment env = LeadWorkflowTest.newEnvironment(LeadWorkflowTest.START)) {
      WorkflowReplayer.replayWorkflowExecutionFromResource(resource, env, LeadWorkflowImpl.class);
    }
  }

  /** Runs the scenario: first contact, read, 24 h, follow-up, delivered, reply. */
  private static void record(String resource) throws Exception {
    try (TestWorkflowEnvironment env = LeadWorkflowTest.newEnvironment(LeadWorkflowTest.START)) {
      FakeLeadActivities fake = new FakeLeadActivities(env);
      Worker worker = env.newWorker(LeadWorkflowTest.QUEUE);
      worker.registerWorkflowImplementationTypes(LeadWorkflowImpl.class);
      worker.registerActivitiesImplementations(fake);
      LeadWorkflowTest.serveResearch(env, fake);
      env.start();
      LeadWorkflow workflow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  LeadWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("lead-replay-1")
                      .setTaskQueue(LeadWorkflowTest.QUEUE)
                      .build());
      WorkflowClient.start(workflow::run, new LeadInput("replay-1", "camp-1", null));
      while (fake.sends.isEmpty()) {
        env.sleep(Duration.ofSeconds(1));
      }
      Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
      workflow.messageStatus(new MessageStatusSignal(fake.wamid(0), "delivered", now, null));
      workflow.messageStatus(new MessageStatusSignal(fake.wamid(0), "read", now, null));
      env.sleep(Duration.ofHours(24).plusMinutes(1));
      while (fake.sends.size() < 2) {
        env.sleep(Duration.ofSeconds(1));
      }
      now = Instant.ofEpochMilli(env.currentTimeMillis());
      workflow.messageStatus(new MessageStatusSignal(fake.wamid(1), "delivered", now, null));
      workflow.inboundMessage(new InboundMessageSignal("wamid.in", fake.wamid(1), "text", now));
      LeadState state = WorkflowStub.fromTyped(workflow).getResult(LeadState.class);
      assertThat(state.stage()).isEqualTo(Stage.REPLIED);
      String json = env.getWorkflowClient().fetchHistory("lead-replay-1").toJson(true);
      Path target = Path.of("src/test/resources", resource);
      Files.createDirectories(target.getParent());
      Files.writeString(target, json);
    }
  }
}
