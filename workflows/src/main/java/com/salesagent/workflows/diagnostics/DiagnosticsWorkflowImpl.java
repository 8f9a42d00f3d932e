package com.salesagent.workflows.diagnostics;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

public class DiagnosticsWorkflowImpl implements DiagnosticsWorkflow {
  // A probe reports failure in its result; retrying would only hide a flapping dependency.
  private final DiagnosticsActivities probes =
      Workflow.newActivityStub(
          DiagnosticsActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(20))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
              .build());

  @Override
  public DiagnosticsReport run(DiagnosticsRequest request) {
    Instant startedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    return new DiagnosticsReport(
        request.probeId(),
        startedAt,
        List.of(
            probes.probeMongo(request.probeId()), probes.probeObjectStorage(request.probeId())));
  }
}
