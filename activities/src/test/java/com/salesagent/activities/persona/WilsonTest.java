package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The Wilson interval against published values (e.g. 5/10: 0.2366 to 0.7634; 0/10 to 0.2775). */
class WilsonTest {
  @Test
  void matchesKnownIntervals() {
    assertInterval(Wilson.of(5, 10), 0.5, 0.2366, 0.7634);
    assertInterval(Wilson.of(0, 10), 0.0, 0.0, 0.2775);
    assertInterval(Wilson.of(10, 10), 1.0, 0.7225, 1.0);
    assertInterval(Wilson.of(20, 100), 0.2, 0.1334, 0.2888);
    assertInterval(Wilson.of(1, 3), 1 / 3.0, 0.0615, 0.7923);
  }

  @Test
  void noSampleHasNoRateAndTheWholeRange() {
    Wilson.Interval none = Wilson.of(0, 0);
    assertThat(none.rate()).isNull();
    assertThat(none.low()).isZero();
    assertThat(none.high()).isEqualTo(1.0);
  }

  @Test
  void refusesImpossibleCounts() {
    assertThatThrownBy(() -> Wilson.of(3, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Wilson.of(-1, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertInterval(Wilson.Interval i, double rate, double low, double high) {
    assertThat(i.rate()).isCloseTo(rate, within(1e-9));
    assertThat(i.low()).isCloseTo(low, within(5e-5));
    assertThat(i.high()).isCloseTo(high, within(5e-5));
  }
}
