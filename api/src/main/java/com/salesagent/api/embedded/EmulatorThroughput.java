package com.salesagent.api.embedded;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Meta's throughput limit, played by the emulator when asked: a business number given a limit
 * accepts at most that many messages in any one second (a sliding window, the strictest reading of
 * "messages per second") and answers the rest with 130429, as the Cloud API does beyond a number's
 * tier. Numbers without a limit accept everything (the default: tests and benchmarks that do not
 * measure pacing). Every number's accepted sends are counted with the most seen in any one second,
 * so a benchmark can read how close to its tier a number was driven.
 */
public final class EmulatorThroughput {
  private static final long SECOND = 1_000_000_000L;

  /** What one number saw: accepted, refused with 130429, and the most accepted in one second. */
  public record Figures(int limit, long accepted, long refused, int maxInOneSecond) {}

  private static final class Window {
    final ArrayDeque<Long> times = new ArrayDeque<>();
    int limit;
    long accepted;
    long refused;
    int max;
  }

  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final LongSupplier nanos;

  public EmulatorThroughput() {
    this(System::nanoTime);
  }

  EmulatorThroughput(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /** From now on the number accepts at most {@code perSecond} messages a second (0: no limit). */
  public void limit(String phoneNumberId, int perSecond) {
    Window w = window(phoneNumberId);
    synchronized (w) {
      w.limit = Math.max(0, perSecond);
    }
  }

  /** Whether a message from this number is accepted now (counted), or refused (130429). */
  boolean admit(String phoneNumberId) {
    Window w = window(phoneNumberId);
    long now = nanos.getAsLong();
    synchronized (w) {
      while (!w.times.isEmpty() && now - w.times.peekFirst() >= SECOND) {
        w.times.pollFirst();
      }
      if (w.limit > 0 && w.times.size() >= w.limit) {
        w.refused++;
        return false;
      }
      w.times.addLast(now);
      w.accepted++;
      w.max = Math.max(w.max, w.times.size());
      return true;
    }
  }

  public Figures figures(String phoneNumberId) {
    Window w = window(phoneNumberId);
    synchronized (w) {
      return new Figures(w.limit, w.accepted, w.refused, w.max);
    }
  }

  /** Forgets what was counted (limits stay). */
  public void resetCounts() {
    windows
        .values()
        .forEach(
            w -> {
              synchronized (w) {
                w.times.clear();
                w.accepted = 0;
                w.refused = 0;
                w.max = 0;
              }
            });
  }

  private Window window(String phoneNumberId) {
    return windows.computeIfAbsent(phoneNumberId, k -> new Window());
  }
}
