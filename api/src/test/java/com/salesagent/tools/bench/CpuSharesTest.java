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

  @Test
  void theModelsThreadsCountAsTheModelAndTheSharesAddUp() throws Exception {
    CpuShares.Snapshot before = CpuShares.take();
    CountDownLatch spun = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    // The model's pool threads outlive a call: the snapshot is taken while both are alive.
    Thread model = spinner("embedding-test-1", 300_000_000L, spun, release);
    Thread other = spinner("not-the-model", 150_000_000L, spun, release);
    spun.await();
    CpuShares.Snapshot after = CpuShares.take();
    release.countDown();
    model.join();
    other.join();

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
}
