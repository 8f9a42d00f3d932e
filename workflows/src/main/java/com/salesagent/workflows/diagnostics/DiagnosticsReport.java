package com.salesagent.workflows.diagnostics;

import java.time.Instant;
import java.util.List;

/** What the worker found, probe by probe. */
public record DiagnosticsReport(String probeId, Instant startedAt, List<ProbeResult> probes) {
  public boolean healthy() {
    return probes.stream().allMatch(ProbeResult::ok);
  }

  public record ProbeResult(String component, boolean ok, long millis, String detail) {}
}
