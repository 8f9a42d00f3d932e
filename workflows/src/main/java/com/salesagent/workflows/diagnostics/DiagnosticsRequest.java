package com.salesagent.workflows.diagnostics;

/** {@code probeId} is an opaque token the probes write and read back. */
public record DiagnosticsRequest(String probeId) {}
