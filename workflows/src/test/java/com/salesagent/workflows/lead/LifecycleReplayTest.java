package com.salesagent.workflows.lead;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays a committed history of every branch of today's lifecycle (quiet hours, each approval
 * outcome, the 131047 fallback, rate-limit back-off, pause and resume, snooze, the kill-switch, a
 * reconciled lost answer, a continued-as-new run) against today's code: a change that these running
 * workflows would replay differently fails here until it is put behind Workflow.getVersion.
 */
class LifecycleReplayTest {
  static Stream<String> scenarios() {
    return LifecycleHistories.SCENARIOS.keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void replays(String name) throws Exception {
    if (Boolean.getBoolean("recordHistories")) {
      LifecycleHistories.record(name);
    }
    try (TestWorkflowEnvironment env = LeadWorkflowTest.newEnvironment(LeadWorkflowTest.START)) {
      WorkflowReplayer.replayWorkflowExecutionFromResource(
          LifecycleHistories.resource(name), env, LeadWorkflowImpl.class);
    }
  }
}
