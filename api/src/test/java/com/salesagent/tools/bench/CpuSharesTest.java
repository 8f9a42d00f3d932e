package com.salesagent.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CpuSharesTest {
  /**
   * A thread named {@code name} that spins until it has used {@code cpuNanos} of CPU, counts down
   * {@code spun}, then stays alive until {@code release}.
   */
  private static Thread spinner(
      String name, long cpuNanos, CountDownLatch spun, CountDownLatch release) {
    Thread t =
        new Thread(
            () -> {
              var threads = ManagementFactory.getThreadMXBean();
              long x = 0;
              while (threads.getCurrentThreadCpuTime() < cpuNanos) {
                x += System.nanoTime() % 7;
              }
              spun.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (x == 42) {
                System.out.print("");
              }
            },
            name);
    t.start();
    return t;
  }

  /**
   * A snapshot, two named threads spinning their CPU, a snapshot taken while both are still alive;
   * then the threads end.
   */
  private static CpuShares.Snapshot[] whileSpinning(String a, long aNanos, String b, long bNanos)
      throws InterruptedException {
    CpuShares.Snapshot before = CpuShares.take();
    CountDownLatch spun = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    Thread first = spinner(a, aNanos, spun, release);
    Thread second = spinner(b, bNanos, spun, release);
    spun.await();
    CpuShares.Snapshot after = CpuShares.take();
    release.countDown();
    first.join();
    second.join();
    return new CpuShares.Snapshot[] {before, after};
  }

  @Test
  void theModelsThreadsCountAsTheModelAndTheSharesAddUp() throws Exception {
    // The model's pool threads outlive a call: the snapshot is taken while both are alive.
    CpuShares.Snapshot[] taken =
        whileSpinning("embedding-test-1", 300_000_000L, "not-the-model", 150_000_000L);
    CpuShares.Snapshot before = taken[0];
    CpuShares.Snapshot after = taken[1];

    // The other thread's 150 ms are the rest, not the model's.
    assertThat(after.model() - before.model()).isBetween(300_000_000L, 400_000_000L);
    assertThat(after.process() - before.process()).isGreaterThanOrEqualTo(450_000_000L);
    CpuShares.Shares shares = CpuShares.between(before, after);
    assertThat(shares.model()).isPositive().isLessThan(shares.process());
    assertThat(shares.rest()).isPositive();
    if (after.jit() >= 0) { // Linux: the VM's own threads read from /proc
      assertThat(after.jit()).isGreaterThanOrEqualTo(before.jit());
      assertThat(after.gc()).isGreaterThanOrEqualTo(before.gc());
      assertThat(shares.toString()).contains("the JIT").contains("GC");
    }
    assertThat(shares.toString()).contains("the model");
  }

  @Test
  void theRestIsSplitByThePartOfTheStackItsThreadsWorkFor() throws Exception {
    CpuShares.Snapshot[] taken =
        whileSpinning("mongo-server-worker-test", 200_000_000L, "dw-test", 100_000_000L);
    CpuShares.Snapshot before = taken[0];
    CpuShares.Snapshot after = taken[1];

    String split = CpuShares.restByPart(before, after);
    double machine =
        (after.wall() - before.wall()) * (double) Runtime.getRuntime().availableProcessors();
    // Largest first: the server's 200 ms before the HTTP thread's 100 ms, each at least its share.
    assertThat(split.indexOf("MongoDB-wire server")).isGreaterThanOrEqualTo(0);
    assertThat(split.indexOf("MongoDB-wire server"))
        .isLessThan(split.indexOf("HTTP API, webhook inbox"));
    assertThat(split).contains("unattributed");
    double serverShare =
        Double.parseDouble(split.replaceAll(".*MongoDB-wire server ([0-9.]+) %.*", "$1").trim());
    assertThat(serverShare).isGreaterThanOrEqualTo(100 * 200_000_000L / machine - 0.1);
  }

  @Test
  void threadNamesOfTheEmbeddedStackMapToTheirPart() {
    assertThat(CpuShares.group("embedding-1-2")).isEqualTo("the model");
    assertThat(CpuShares.group("mongo-server-worker5")).isEqualTo("MongoDB-wire server");
    assertThat(CpuShares.group("grpc-default-worker-ELG-3-1"))
        .isEqualTo("gRPC, Temporal dev server");
    assertThat(
            CpuShares.group(
                "Local Activity Executor taskQueue=\"sales-agent-leads\", namespace=\"default\": 3"))
        .isEqualTo("lead activities");
    assertThat(
            CpuShares.group(
                "Activity Executor taskQueue=\"sales-agent-research\", namespace=\"default\": 1"))
        .isEqualTo("research activities");
    assertThat(
            CpuShares.group(
                "Activity Poller taskQueue=\"sales-agent-research\", namespace=\"default\": 1"))
        .isEqualTo("workflow tasks, pollers");
    assertThat(CpuShares.group("workflow-thread-12")).isEqualTo("workflow tasks, pollers");
    assertThat(CpuShares.group("dw-41")).isEqualTo("HTTP API, webhook inbox");
    assertThat(CpuShares.group("webhook-partition-3")).isEqualTo("HTTP API, webhook inbox");
    assertThat(CpuShares.group("whatsapp-emulator-callbacks-1")).isEqualTo("WhatsApp emulator");
    assertThat(CpuShares.group(CpuShares.SEND_CALLERS + "3")).startsWith("the send activity");
    assertThat(CpuShares.group("main")).startsWith("other threads");
  }
}
