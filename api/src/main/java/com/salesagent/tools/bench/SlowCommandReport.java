package com.salesagent.tools.bench;

import com.salesagent.api.embedded.EmbeddedCommandTimes;
import java.util.List;
import java.util.Map;

/** A bench phase's slow commands of the embedded MongoDB ({@link EmbeddedCommandTimes}). */
final class SlowCommandReport {
  private SlowCommandReport() {}

  /**
   * The embedded MongoDB's commands of the phase that took 100 ms or more inside the server: how
   * many per 500 ms (beside the worst latencies above, a stall's slots), by command and collection,
   * and the longest ones with when they began: what began a stall, or that everything waited alike.
   */
  static void print(long phaseStart) {
    List<EmbeddedCommandTimes.Slow> slow =
        EmbeddedCommandTimes.since(phaseStart).stream().filter(s -> s.millis() >= 100).toList();
    java.util.TreeMap<Long, Integer> perSlot = new java.util.TreeMap<>();
    Map<String, long[]> byWhat = new java.util.TreeMap<>();
    for (EmbeddedCommandTimes.Slow s : slow) {
      perSlot.merge((s.startMillis() - phaseStart) / 500, 1, Integer::sum);
      long[] agg = byWhat.computeIfAbsent(s.what(), w -> new long[3]);
      agg[0]++;
      agg[1] += s.millis();
      agg[2] = Math.max(agg[2], s.millis());
    }
    StringBuilder slots = new StringBuilder("  MongoDB commands >= 100 ms per 500 ms slot:");
    perSlot.forEach((slot, n) -> slots.append(' ').append(slot).append(':').append(n));
    System.out.println(slots);
    byWhat.forEach(
        (what, agg) ->
            System.out.printf(
                "    %-32s %5d commands, %7d ms in all, max %5d ms%n",
                what, agg[0], agg[1], agg[2]));
    slow.stream()
        .sorted(java.util.Comparator.comparingLong(EmbeddedCommandTimes.Slow::millis).reversed())
        .limit(12)
        .sorted(java.util.Comparator.comparingLong(EmbeddedCommandTimes.Slow::startMillis))
        .forEach(
            s ->
                System.out.printf(
                    "    +%6d ms  %5d ms  %s (%d items) on %s%n",
                    s.startMillis() - phaseStart, s.millis(), s.what(), s.items(), s.thread()));
  }
}
