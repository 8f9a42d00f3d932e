package com.salesagent.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where this JVM's CPU went between two snapshots, as shares of the machine: the embedding model's
 * pool threads, the JIT compilers, the garbage collector and the rest (the product's own work).
 *
 * <p>The JIT and GC threads are the VM's own, invisible to {@link ThreadMXBean}: on Linux they are
 * read from {@code /proc/self/task/<tid>/stat} by their names ("C2 CompilerThre", "GC Thread#0",
 * "G1 Conc#0", ...); elsewhere they count as the rest. The compilers' cumulative compile time
 * ({@code CompilationMXBean}) is wall time, which a busy machine stretches: it read 29 % where the
 * compiler threads used 9 % of the CPU.
 */
final class CpuShares {
  private static final Path TASKS = Path.of("/proc/self/task");

  /** Linux's USER_HZ, the unit of utime and stime in /proc; 100 on every common build. */
  private static final long TICK_NANOS = 10_000_000L;

  /** CPU nanoseconds so far: the process, the model's threads, the JIT, the GC; -1 unknown. */
  record Snapshot(long wall, long process, long model, long jit, long gc) {}

  private CpuShares() {}

  static Snapshot take() {
    long jit = -1;
    long gc = -1;
    if (Files.isDirectory(TASKS)) {
      jit = 0;
      gc = 0;
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
        for (Path task : tasks) {
          String stat;
          try {
            stat = Files.readString(task.resolve("stat"));
          } catch (IOException gone) {
            continue; // the thread ended meanwhile
          }
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (open < 0 || close < open) {
            continue;
          }
          String name = stat.substring(open + 1, close);
          String[] f = stat.substring(close + 2).split(" ");
          // After the name: state(0) ... utime(11) stime(12), fields 14 and 15 of proc(5).
          long nanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
          if (name.contains("CompilerThre")) {
            jit += nanos;
          } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            gc += nanos;
          }
        }
      } catch (IOException | RuntimeException e) {
        jit = -1;
        gc = -1;
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long model = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("embedding-")) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        model += Math.max(0, cpu);
      }
    }
    long process =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : -1;
    return new Snapshot(System.nanoTime(), process, model, jit, gc);
  }

  /** Shares of the machine from {@code a} to {@code b}, each in [0, 1] or -1 when unknown. */
  record Shares(double process, double model, double jit, double gc) {
    double rest() {
      return process < 0 ? -1 : process - model - Math.max(0, jit) - Math.max(0, gc);
    }

    @Override
    public String toString() {
      if (process < 0) {
        return "CPU split unknown";
      }
      return jit < 0
          ? String.format(
              "the process %.0f %% of the machine: the model %.0f %%, the rest %.0f %%",
              100 * process, 100 * model, 100 * rest())
          : String.format(
              "the process %.0f %% of the machine: the model %.0f %%, the JIT %.0f %%, GC %.0f %%,"
                  + " the rest %.0f %%",
              100 * process, 100 * model, 100 * jit, 100 * gc, 100 * rest());
    }
  }

  static Shares between(Snapshot a, Snapshot b) {
    double machine = (b.wall() - a.wall()) * (double) Runtime.getRuntime().availableProcessors();
    if (machine <= 0) {
      return new Shares(-1, -1, -1, -1);
    }
    return new Shares(
        share(a.process(), b.process(), machine),
        share(a.model(), b.model(), machine),
        share(a.jit(), b.jit(), machine),
        share(a.gc(), b.gc(), machine));
  }

  private static double share(long before, long after, double machine) {
    return before < 0 || after < 0 ? -1 : Math.max(0, after - before) / machine;
  }
}
