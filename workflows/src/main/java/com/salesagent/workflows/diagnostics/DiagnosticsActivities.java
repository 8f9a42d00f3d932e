package com.salesagent.workflows.diagnostics;

import io.temporal.activity.ActivityInterface;

/** Implemented in the activities module: one probe per outside system the worker depends on. */
@ActivityInterface
public interface DiagnosticsActivities {
  DiagnosticsReport.ProbeResult probeMongo(String probeId);

  DiagnosticsReport.ProbeResult probeObjectStorage(String probeId);
}
