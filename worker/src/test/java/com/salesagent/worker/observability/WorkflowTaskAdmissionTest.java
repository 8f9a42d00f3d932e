package com.salesagent.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.uber.m3.tally.Buckets;
import com.uber.m3.tally.Capabilities;
import com.uber.m3.tally.CapableOf;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.StatsReporter;
import com.uber.m3.util.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The workflow-task wait as the SDK reports it ({@link WorkflowTaskLatency}) and the admission of
 * new leads' research that reads it ({@link WorkflowTaskAdmission}), on a clock the test moves.
 */
class WorkflowTaskAdmissionTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<String> forwarded = new ArrayList<>();
  private final WorkflowTaskLatency latency =
      new WorkflowTaskLatency(
          new TimersOnly() {
            @Override
            public void reportTimer(String name, Map<String, String> tags, Duration interval) {
              forwarded.add(name + "=" + interval.toMillis());
            }
          },
          now::get);

  private void advance(long millis) {
    now.addAndGet(millis * 1_000_000L);
  }

  @Test
  void theSdksScheduleToStartTimerIsSeenThroughATallyScopeAndStillForwarded() {
    Scope scope = new RootScopeBuilder().reporter(latency).reportEvery(Duration.ofSeconds(60));
    scope.timer(WorkflowTaskLatency.METRIC).record(Duration.ofMillis(420));
    scope.timer("temporal_activity_schedule_to_start_latency").record(Duration.ofMillis(9_000));
    assertThat(latency.recentMaxMillis(java.time.Duration.ofSeconds(1))).isEqualTo(420);
    assertThat(forwarded)
        .containsExactly(
            WorkflowTaskLatency.METRIC + "=420",
            "temporal_activity_schedule_to_start_latency=9000");
  }

  @Test
  void onlyTheLastMomentsCount() {
    latency.observed(900);
    advance(600);
    latency.observed(40);
    assertThat(latency.recentMaxMillis(java.time.Duration.ofSeconds(1))).isEqualTo(900);
    advance(500);
    assertThat(latency.recentMaxMillis(java.time.Duration.ofSeconds(1))).isEqualTo(40);
    advance(1_000);
    assertThat(latency.recentMaxMillis(java.time.Duration.ofSeconds(1))).isZero();
  }

  private WorkflowTaskAdmission admission(List<Long> waitsDuringSleeps) {
    AtomicInteger sleeps = new AtomicInteger();
    return new WorkflowTaskAdmission(
        latency,
        java.time.Duration.ofMillis(250),
        java.time.Duration.ofSeconds(60),
        d -> {
          advance(d.toMillis());
          int i = sleeps.getAndIncrement();
          if (i < waitsDuringSleeps.size()) {
            latency.observed(waitsDuringSleeps.get(i));
          }
        },
        now::get);
  }

  @Test
  void researchGoesAtOnceWhileWorkflowTasksStartPromptly() throws Exception {
    latency.observed(120);
    AtomicInteger beats = new AtomicInteger();
    assertThat(admission(List.of()).await(beats::incrementAndGet)).isZero();
    assertThat(beats).hasValue(0);
  }

  @Test
  void researchWaitsWhileWorkflowTasksQueueAndGoesOnceTheyStartPromptlyAgain() throws Exception {
    latency.observed(3_000);
    AtomicInteger beats = new AtomicInteger();
    // Polls during the wait still report long waits, then the queue drains.
    List<Long> reported = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      reported.add(i < 4 ? 2_000L : 30L);
    }
    java.time.Duration held = admission(reported).await(beats::incrementAndGet);
    // The last long wait, reported at 400 ms, is in the window until 1 s has passed since it
    // (inclusive): the check at 1,500 ms is the first to let research go. 15 checks of 100 ms.
    assertThat(held).isEqualTo(java.time.Duration.ofMillis(1_500));
    assertThat(beats).hasValue(15);
  }

  @Test
  void researchGoesOnAfterTheLongestWaitEvenIfTheQueueNeverDrains() throws Exception {
    List<Long> always = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      always.add(5_000L);
    }
    latency.observed(5_000);
    java.time.Duration held = admission(always).await(() -> {});
    assertThat(held).isEqualTo(java.time.Duration.ofSeconds(60));
  }

  @Test
  void zeroTurnsItOffAndNoLatencySourceMeansOpen() throws Exception {
    latency.observed(10_000);
    assertThat(WorkflowTaskAdmission.of(latency, java.time.Duration.ZERO).await(() -> {})).isZero();
    assertThat(WorkflowTaskAdmission.of(null, java.time.Duration.ofMillis(250)).await(() -> {}))
        .isZero();
  }

  /** A reporter that only records timers (the test's stand-in for the Prometheus one). */
  abstract static class TimersOnly implements StatsReporter {
    @Override
    public void reportCounter(String name, Map<String, String> tags, long value) {}

    @Override
    public void reportGauge(String name, Map<String, String> tags, double value) {}

    @Override
    public void reportHistogramValueSamples(
        String name, Map<String, String> tags, Buckets buckets, double lo, double hi, long n) {}

    @Override
    public void reportHistogramDurationSamples(
        String name, Map<String, String> tags, Buckets buckets, Duration lo, Duration hi, long n) {}

    @Override
    public Capabilities capabilities() {
      return CapableOf.REPORTING;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
