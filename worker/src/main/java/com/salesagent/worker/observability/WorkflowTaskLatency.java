package com.salesagent.worker.observability;

import com.uber.m3.tally.Buckets;
import com.uber.m3.tally.Capabilities;
import com.uber.m3.tally.StatsReporter;
import com.uber.m3.util.Duration;
import io.temporal.worker.MetricsType;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How long this process's workflow tasks waited in Temporal's queues before a poller took them (the
 * SDK's {@code temporal_workflow_task_schedule_to_start_latency}, reported by every workflow task
 * poll, sticky or not), seen as they happen: a reporter in front of the one that feeds Prometheus.
 * Each observation is kept with its time; {@link #recentMaxMillis} answers the highest of the last
 * moments. A growing wait means this worker's workflow tasks are queueing: due follow-ups wait with
 * everything else, so bulk work should hold back ({@code WorkflowTaskAdmission}).
 */
public final class WorkflowTaskLatency implements StatsReporter {
  static final String METRIC = MetricsType.WORKFLOW_TASK_SCHEDULE_TO_START_LATENCY;
  private static final int KEPT = 512;

  private final StatsReporter delegate;
  private final LongSupplier nanoTime;
  private final long[] at = new long[KEPT];
  private final long[] millis = new long[KEPT];
  private int next;
  private int size;

  public WorkflowTaskLatency(StatsReporter delegate) {
    this(delegate, System::nanoTime);
  }

  WorkflowTaskLatency(StatsReporter delegate, LongSupplier nanoTime) {
    this.delegate = delegate;
    this.nanoTime = nanoTime;
  }

  synchronized void observed(long latencyMillis) {
    at[next] = nanoTime.getAsLong();
    millis[next] = latencyMillis;
    next = (next + 1) % KEPT;
    size = Math.min(size + 1, KEPT);
  }

  /** The longest wait observed within {@code window}; 0 when no workflow task was polled then. */
  public synchronized long recentMaxMillis(java.time.Duration window) {
    long since = nanoTime.getAsLong() - window.toNanos();
    long max = 0;
    for (int i = 0; i < size; i++) {
      int k = (next - 1 - i + KEPT) % KEPT;
      if (at[k] - since < 0) {
        break; // older ones follow
      }
      max = Math.max(max, millis[k]);
    }
    return max;
  }

  @Override
  public void reportTimer(String name, Map<String, String> tags, Duration interval) {
    if (METRIC.equals(name)) {
      observed(interval.toMillis());
    }
    delegate.reportTimer(name, tags, interval);
  }

  @Override
  public void reportCounter(String name, Map<String, String> tags, long value) {
    delegate.reportCounter(name, tags, value);
  }

  @Override
  public void reportGauge(String name, Map<String, String> tags, double value) {
    delegate.reportGauge(name, tags, value);
  }

  @Override
  public void reportHistogramValueSamples(
      String name,
      Map<String, String> tags,
      Buckets buckets,
      double lower,
      double upper,
      long samples) {
    delegate.reportHistogramValueSamples(name, tags, buckets, lower, upper, samples);
  }

  @Override
  public void reportHistogramDurationSamples(
      String name,
      Map<String, String> tags,
      Buckets buckets,
      Duration lower,
      Duration upper,
      long samples) {
    delegate.reportHistogramDurationSamples(name, tags, buckets, lower, upper, samples);
  }

  @Override
  public Capabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
