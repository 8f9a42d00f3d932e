package com.salesagent.api.leads;

/**
 * The status of a lead import's record ({@code imports.status}): queued (an asynchronous import
 * waiting for a thread), running, then done, interrupted (cancelled, the client gone before the
 * whole body came, or a process stopped with nothing kept to resume from) or failed.
 */
final class ImportStatus {
  static final String QUEUED = "queued";
  static final String RUNNING = "running";
  static final String DONE = "done";
  static final String INTERRUPTED = "interrupted";
  static final String FAILED = "failed";

  private ImportStatus() {}
}
