package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Server-Timing value: milliseconds with two decimals, as String.format wrote it before. */
class ServerTimingTest {
  @Test
  void theDurationReadsInMillisecondsWithTwoDecimals() {
    assertThat(ServerTiming.value(0)).isEqualTo("app;dur=0.00");
    assertThat(ServerTiming.value(4_999)).isEqualTo("app;dur=0.00");
    assertThat(ServerTiming.value(5_000)).isEqualTo("app;dur=0.01");
    assertThat(ServerTiming.value(1_234_567)).isEqualTo("app;dur=1.23");
    assertThat(ServerTiming.value(12_345_678_901L)).isEqualTo("app;dur=12345.68");
    assertThat(ServerTiming.value(-3)).as("a clock that went back").isEqualTo("app;dur=0.00");
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long nanos = (long) (random.nextDouble() * 5e9);
      double ms = nanos / 1e6;
      // Away from a tie (where binary doubles round either way), the same text as before.
      if (Math.abs(ms * 100 - Math.floor(ms * 100) - 0.5) > 1e-6) {
        assertThat(ServerTiming.value(nanos))
            .isEqualTo(String.format(Locale.ROOT, "app;dur=%.2f", ms));
      }
    }
  }
}
