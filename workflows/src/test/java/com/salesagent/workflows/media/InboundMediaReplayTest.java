package com.salesagent.workflows.media;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Committed histories of each branch of the media download (a voice note stored then transcribed,
 * an image stored after retries, media refused for good) replayed against today's code: a change
 * the running downloads would replay differently fails here until it is behind Workflow.getVersion.
 * Recorded with {@code -DrecordHistories=media-<name>} (or {@code true}).
 */
class InboundMediaReplayTest {
  static final Map<String, Consumer<InboundMediaWorkflowTest.Fake>> SCENARIOS =
      Map.of(
          "voice-note-transcribed", fake -> {},
          "image-after-retries", fake -> fake.unavailableAttempts = 2,
          "image-described", fake -> {},
          "refused", fake -> fake.refuse = true,
          // version 1 of "signal-transcript": the triage goes to the leads waiting for it (one
          // whose workflow is gone here: the failed signal is recorded and passed over)
          "voice-note-answers-leads",
              fake ->
                  fake.waiting.add(
                      new LeadReply(
                          "L-gone",
                          new com.salesagent.workflows.lead.InboundMessageSignal(
                              "wamid.V",
                              "wamid.OUT",
                              "audio",
                              java.time.Instant.parse("2026-11-25T12:00:00Z"),
                              "not_now",
                              java.time.Instant.parse("2027-01-04T10:00:00Z")))));

  // image-after-retries was recorded before images were described (version DEFAULT of
  // "describe-images"): it replays without the description; image-described records version 1.

  static Stream<String> scenarios() {
    return SCENARIOS.keySet().stream().sorted();
  }

  private static String resource(String name) {
    return "histories/media-" + name + ".json";
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void replays(String name) throws Exception {
    String record = System.getProperty("recordHistories", "");
    String json;
    if (record.equals("true") || record.equals("media-" + name)) {
      json = record(name);
    } else {
      try (InputStream in =
          InboundMediaReplayTest.class.getClassLoader().getResourceAsStream(resource(name))) {
        assertThat(in).as("recorded history " + resource(name)).isNotNull();
        json = new String(in.readAllBytes(), UTF_8);
      }
    }
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(json), env, InboundMediaWorkflowImpl.class);
    }
  }

  private static String record(String name) throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      InboundMediaWorkflowTest.Fake fake = new InboundMediaWorkflowTest.Fake();
      SCENARIOS.get(name).accept(fake);
      Worker worker = env.newWorker("q");
      worker.registerWorkflowImplementationTypes(InboundMediaWorkflowImpl.class);
      worker.registerActivitiesImplementations(fake);
      env.start();
      String kind = name.startsWith("voice") ? "audio" : "image";
      env.getWorkflowClient()
          .newWorkflowStub(
              InboundMediaWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue("q")
                  .setWorkflowId(InboundMediaWorkflow.workflowId("3003"))
                  .build())
          .download(new InboundMedia("wamid.R", "3003", kind, null, null, "123"));
      String json =
          env.getWorkflowClient()
              .fetchHistory(InboundMediaWorkflow.workflowId("3003"))
              .toJson(true);
      Path target = Path.of("src/test/resources", resource(name));
      Files.createDirectories(target.getParent());
      Files.writeString(target, json);
      return json;
    }
  }
}
