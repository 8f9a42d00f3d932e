package com.salesagent.workflows.afterend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.workflows.lead.SendResult;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Committed histories of each branch of a person's message to an ended lead (sent after a busy
 * number and a throttle, refused, reconciled after a lost answer) and of the agent's draft answer
 * to one from such a lead (drafted, failed) replayed against today's code: a change the running
 * workflows would replay differently fails here until it is behind Workflow.getVersion. Recorded
 * with {@code -DrecordHistories=after-end-<name>} (or {@code true}).
 */
class AfterEndMessageReplayTest {
  private static final Instant AT = Instant.parse("2026-12-05T09:00:00Z");

  static final Map<String, Consumer<AfterEndMessageWorkflowTest.Fake>> SCENARIOS =
      Map.of(
          "sent-after-waits",
              fake -> {
                fake.answers.add(SendResult.senderBusy(Duration.ofSeconds(2), "6 s to one user"));
                fake.answers.add(SendResult.notSent(SendResult.RATE_LIMITED, 130429, "throttled"));
                fake.answers.add(SendResult.sent("wamid.OUT", AT, false));
              },
          "refused",
              fake ->
                  fake.answers.add(
                      SendResult.notSent(SendResult.REJECTED, 131047, "Re-engagement message")),
          "reconciled",
              fake -> {
                fake.answers.add(SendResult.notSent(SendResult.UNKNOWN, null, "timeout"));
                fake.reconciled = SendResult.sent("wamid.LATE", AT, true);
                fake.reconcileKnownAfter = 2;
              });

  /** The draft's scenarios: whether the knowledge base answers. */
  static final Map<String, Boolean> DRAFTS = Map.of("draft-grounded", true, "draft-failed", false);

  static Stream<String> scenarios() {
    return Stream.concat(SCENARIOS.keySet().stream(), DRAFTS.keySet().stream()).sorted();
  }

  private static String resource(String name) {
    return "histories/after-end-" + name + ".json";
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void replays(String name) throws Exception {
    String record = System.getProperty("recordHistories", "");
    String json;
    if (record.equals("true") || record.equals("after-end-" + name)) {
      json = record(name);
    } else {
      try (InputStream in =
          AfterEndMessageReplayTest.class.getClassLoader().getResourceAsStream(resource(name))) {
        assertThat(in).as("recorded history " + resource(name)).isNotNull();
        json = new String(in.readAllBytes(), UTF_8);
      }
    }
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(json),
          env,
          AfterEndMessageWorkflowImpl.class,
          AfterEndDraftWorkflowImpl.class);
    }
  }

  private static String record(String name) throws Exception {
    if (DRAFTS.containsKey(name)) {
      return recordDraft(name);
    }
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      AfterEndMessageWorkflowTest.Fake fake = new AfterEndMessageWorkflowTest.Fake();
      SCENARIOS.get(name).accept(fake);
      Worker worker = env.newWorker("q");
      worker.registerWorkflowImplementationTypes(AfterEndMessageWorkflowImpl.class);
      worker.registerActivitiesImplementations(fake);
      env.start();
      String id = AfterEndMessageWorkflow.workflowId("lead-L1-owner-" + name);
      env.getWorkflowClient()
          .newWorkflowStub(
              AfterEndMessageWorkflow.class,
              WorkflowOptions.newBuilder().setTaskQueue("q").setWorkflowId(id).build())
          .send(new AfterEndMessage("L1", "c1", "lead-L1-owner-" + name, "ana", "Ana (ana)", AT));
      String json = env.getWorkflowClient().fetchHistory(id).toJson(true);
      Path target = Path.of("src/test/resources", resource(name));
      Files.createDirectories(target.getParent());
      Files.writeString(target, json);
      return json;
    }
  }

  private static String recordDraft(String name) throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker("q");
      worker.registerWorkflowImplementationTypes(AfterEndDraftWorkflowImpl.class);
      worker.registerActivitiesImplementations((AfterEndActivities) record -> {});
      env.newWorker(com.salesagent.temporal.TaskQueues.RESEARCH)
          .registerActivitiesImplementations(
              (com.salesagent.workflows.lead.KnowledgeActivities)
                  (leadId, messageId) -> {
                    if (!DRAFTS.get(name)) {
                      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                          "no knowledge base", "X");
                    }
                    return new com.salesagent.workflows.lead.DraftedAnswer(
                        leadId + ":" + messageId, true, 0.9, java.util.List.of("pricing"), "kb");
                  });
      env.start();
      String id = AfterEndDraftWorkflow.workflowId("wamid.IN-" + name);
      env.getWorkflowClient()
          .newWorkflowStub(
              AfterEndDraftWorkflow.class,
              WorkflowOptions.newBuilder().setTaskQueue("q").setWorkflowId(id).build())
          .draft(new AfterEndDraft("L1", "c1", "wamid.IN-" + name));
      String json = env.getWorkflowClient().fetchHistory(id).toJson(true);
      Path target = Path.of("src/test/resources", resource(name));
      Files.createDirectories(target.getParent());
      Files.writeString(target, json);
      return json;
    }
  }
}
