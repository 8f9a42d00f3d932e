package com.salesagent.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code bench senders} on a small scale: eight threads drive the real send activity for two
 * numbers of the smallest tier (20 messages/s) and then one, against an emulator that refuses with
 * 130429 whatever goes beyond a number's tier in any one second. Every send is accepted, Meta never
 * refuses one (without the pacing, eight threads exceed 20 a second at once) and a number never
 * sends faster than its share of its tier, the pool's leads go out on both numbers, and the report
 * prints every figure beside the limit measured in the run.
 */
class SendersBenchTest {
  @Test
  void thePoolIsPacedUnderItsTiersAndEverySendIsAccepted() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SendersBench.Result r =
        SendersBench.run(
            new SendersBench.Options(120, 8, 20, 20, 0.8),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    for (SendersBench.Phase p : java.util.List.of(r.pool(), r.solo())) {
      assertThat(p.refusedByMeta()).as(p.name() + ": 130429 from the emulator").isZero();
      assertThat(p.otherOutcomes()).as(p.name() + ": sends not accepted").isZero();
      assertThat(p.maxInOneSecond()).as(p.name()).isBetween(1, 20);
      // Paced at 80 % of the tier: a number's n sends take at least (n - 1) slots of 1/16 s.
      double perNumber = 120.0 / p.numbers();
      assertThat(p.seconds()).as(p.name() + ": seconds").isGreaterThan((perNumber - 1) / 16.0);
    }
    // The pool's leads went out on both numbers, each as pinned (alternating), none lost.
    assertThat(r.pool().acceptedPerNumber()).containsExactly(60L, 60L);
    assertThat(r.solo().acceptedPerNumber()).containsExactly(120L);
    assertThat(r.singleUpdatesPerSecond()).isPositive();
    String report = printed.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    assertThat(report)
        .contains("Limit measured in this run")
        .contains("pool: 2 number(s) at tier 20")
        .contains("solo: 1 number(s) at tier 20")
        .contains("Meta's 130429: 0")
        // Where the CPU went, the callers' threads a part of their own; the commands per send.
        .contains("the send activity (the bench's callers)")
        .contains("ms inside the server per send:");
    assertThat(r.solo().mongo()).containsPattern("^[1-9][0-9.]* commands");
  }
}
