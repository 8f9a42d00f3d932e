package com.salesagent.worker.observability;

import com.salesagent.activities.lead.Admission;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Holds a new lead's research back while this worker's workflow tasks queue: as long as one polled
 * within the last {@link #WINDOW} waited longer than {@code limit} to start, it checks again every
 * {@link #RECHECK} (heartbeating), for at most {@code longest}. The workflow-task queue is where a
 * due follow-up's timer lands; on a busy machine a burst of new leads whose research is quick (a
 * cached page, a short note) would otherwise put ten workflow tasks each in front of it. A new lead
 * waits instead, in the research queue, where waiting costs nothing.
 *
 * <p>Only this process's own polls are seen: a research-only worker (WORKER_TASK_QUEUES=research)
 * polls no workflow tasks and never holds back.
 */
public final class WorkflowTaskAdmission implements Admission {
  static final Duration WINDOW = Duration.ofSeconds(1);
  static final Duration RECHECK = Duration.ofMillis(100);

  /** Sleeps between checks (tests pass their own). */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final WorkflowTaskLatency latency;
  private final long limitMillis;
  private final Duration longest;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;

  WorkflowTaskAdmission(
      WorkflowTaskLatency latency,
      Duration limit,
      Duration longest,
      Sleeper sleeper,
      LongSupplier nanoTime) {
    this.latency = latency;
    this.limitMillis = limit.toMillis();
    this.longest = longest;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
  }

  /** {@code limit} zero: never holds back. */
  public static Admission of(WorkflowTaskLatency latency, Duration limit) {
    if (latency == null || limit.isZero()) {
      return Admission.OPEN;
    }
    return new WorkflowTaskAdmission(
        latency, limit, Duration.ofSeconds(60), d -> Thread.sleep(d.toMillis()), System::nanoTime);
  }

  @Override
  public Duration await(Runnable heartbeat) throws InterruptedException {
    long start = nanoTime.getAsLong();
    while (latency.recentMaxMillis(WINDOW) > limitMillis
        && nanoTime.getAsLong() - start < longest.toNanos()) {
      heartbeat.run();
      sleeper.sleep(RECHECK);
    }
    return Duration.ofNanos(nanoTime.getAsLong() - start);
  }
}
