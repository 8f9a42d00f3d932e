package com.salesagent.workflows.lead;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays a committed history of every branch of today's lifecycle (quiet hours, each approval
 * outcome, the 131047 fallback, rate-limit back-off, pause and resume, snooze, the kill-switch, a
 * reconciled lost answer, a continued-as-new run; research on the leads queue in all of these, on
 * its own queue in research-queue) against today's code: a change that these running workflows
 * would replay differently, their activities' task queues included, fails here until it is put
 * behind Workflow.getVersion.
 */
class LifecycleReplayTest {
  static Stream<String> scenarios() {
    return LifecycleHistories.SCENARIOS.keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void replays(String name) throws Exception {
    // -DrecordHistories=true records every scenario, -DrecordHistories=<name> only that one.
    String record = System.getProperty("recordHistories", "");
    String json;
    if (record.equals("true") || record.equals(name)) {
      json = LifecycleHistories.record(name);
    } else {
      try (InputStream in =
          LifecycleReplayTest.class
              .getClassLoader()
              .getResourceAsStream(LifecycleHistories.resource(name))) {
        json = new String(in.readAllBytes(), UTF_8);
      }
    }
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(json);
    ScheduledQueues asked = new ScheduledQueues();
    try (TestWorkflowEnvironment env =
        LeadWorkflowTest.newEnvironment(LeadWorkflowTest.START, asked)) {
      WorkflowReplayer.replayWorkflowExecution(history, env, LeadWorkflowImpl.class);
    }
    // Same activities on the same task queues: research recorded on the leads queue (every
    // history before the research-queue version) must replay there, not on TaskQueues.RESEARCH.
    assertThat(asked.asked()).isEqualTo(ScheduledQueues.scheduled(history));
  }
}
