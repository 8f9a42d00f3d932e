package com.salesagent.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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

  /**
   * CPU nanoseconds so far: the process, the model's threads, the JIT, the GC (-1 unknown), and the
   * Java threads of each part of the embedded stack ({@link #group}), by thread id.
   */
  record Snapshot(
      long wall, long process, long model, long jit, long gc, Map<Long, Threads> threads) {}

  /** A live Java thread's part of the stack and its CPU so far. */
  record Threads(String group, long cpu) {}

  /**
   * The part of the embedded stack a Java thread works for, by its name: the product's worker, its
   * HTTP server and webhook inbox, the in-process servers (MongoDB-wire, the gRPC threads the
   * Temporal client shares with the dev server), the WhatsApp emulator and the bench's own clients.
   */
  /** The name prefix of {@code bench senders}' threads, which call the send activity. */
  static final String SEND_CALLERS = "bench-send-";

  static String group(String thread) {
    if (thread.startsWith("embedding-")) {
      return "the model";
    }
    if (thread.startsWith("mongo-server")) {
      return "MongoDB-wire server";
    }
    if (thread.startsWith("grpc-")
        || thread.startsWith("SelfAdvancingTimer")
        || thread.startsWith("Timer task")) {
      return "gRPC, Temporal dev server";
    }
    if (thread.contains("Workflow Executor")
        || thread.startsWith("workflow-")
        || thread.contains("Poller")) {
      return "workflow tasks, pollers";
    }
    if (thread.contains("sales-agent-research")) {
      return "research activities";
    }
    if (thread.contains("Activity Executor")) {
      return "lead activities";
    }
    if (thread.startsWith(SEND_CALLERS)) {
      return "the send activity (the bench's callers)";
    }
    if (thread.startsWith("dw-") || thread.startsWith("webhook-")) {
      return "HTTP API, webhook inbox";
    }
    if (thread.startsWith("whatsapp-emulator") || thread.startsWith("HTTP-Dispatcher")) {
      return "WhatsApp emulator";
    }
    if (thread.startsWith("cluster-") || thread.startsWith("MaintenanceTimer")) {
      return "MongoDB driver's monitors";
    }
    return "other threads (the bench's clients...)";
  }

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
    Map<Long, Threads> byId = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      String group = group(info.getThreadName());
      byId.put(info.getThreadId(), new Threads(group, cpu));
      if (group.equals("the model")) {
        model += cpu;
      }
    }
    long process =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : -1;
    return new Snapshot(System.nanoTime(), process, model, jit, gc, byId);
  }

  /**
   * The rest (neither the model, nor the JIT, nor GC) by part of the stack, as shares of the
   * machine from {@code a} to {@code b}, largest first; threads that started meanwhile count from
   * zero, threads that ended meanwhile are "unattributed" with whatever else the JVM did.
   */
  static String restByPart(Snapshot a, Snapshot b) {
    Shares shares = between(a, b);
    if (shares.process() < 0) {
      return "unknown";
    }
    double machine = (b.wall() - a.wall()) * (double) Runtime.getRuntime().availableProcessors();
    Map<String, Double> parts = new HashMap<>();
    b.threads()
        .forEach(
            (id, t) -> {
              Threads before = a.threads().get(id);
              long used = t.cpu() - (before == null ? 0 : before.cpu());
              if (!t.group().equals("the model") && used > 0) {
                parts.merge(t.group(), used / machine, Double::sum);
              }
            });
    double attributed = parts.values().stream().mapToDouble(Double::doubleValue).sum();
    parts.put("unattributed", Math.max(0, shares.rest() - attributed));
    StringBuilder out = new StringBuilder();
    parts.entrySet().stream()
        .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
        .forEach(
            e ->
                out.append(out.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(String.format(" %.1f %%", 100 * e.getValue())));
    return out.toString();
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
