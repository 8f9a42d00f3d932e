package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

class VariantAnalyticsTest {
  @Test
  void wilsonMatchesKnownValues() {
    // 10 of 100: the textbook Wilson 95 % interval is [0.0552, 0.1744].
    VariantAnalytics.Rate r = VariantAnalytics.wilson(10, 100);
    assertThat(r.rate()).isEqualTo(0.1);
    assertThat(r.low()).isCloseTo(0.0552, within(0.0005));
    assertThat(r.high()).isCloseTo(0.1744, within(0.0005));
    // 0 of 20: [0, 0.1611].
    assertThat(VariantAnalytics.wilson(0, 20).high()).isCloseTo(0.1611, within(0.0005));
  }

  @Test
  void chiSquareMatchesAKnownValueAndAlarmsOnlyOnRealMismatch() {
    // 520 vs 480 on a 50/50 split: chi2 = 1.6, p = 0.2059.
    var fair =
        VariantAnalytics.sampleRatioMismatch(
            List.of(new Arm("a", 1, 520, 0), new Arm("b", 1, 480, 0)));
    assertThat((Double) fair.get("pValue")).isCloseTo(0.2059, within(0.0005));
    assertThat(fair.get("alarm")).isEqualTo(false);

    var broken =
        VariantAnalytics.sampleRatioMismatch(
            List.of(new Arm("a", 1, 600, 0), new Arm("b", 1, 400, 0)));
    assertThat(broken.get("alarm")).isEqualTo(true);
  }

  @Test
  void theSrmFalseAlarmRateOnFairSplitsStaysBelowAThousandth() {
    MersenneTwister random = new MersenneTwister(5);
    int alarms = 0;
    int trials = 10_000;
    for (int t = 0; t < trials; t++) {
      long[] counts = new long[3];
      for (int i = 0; i < 3_000; i++) {
        counts[random.nextInt(3)]++;
      }
      var srm =
          VariantAnalytics.sampleRatioMismatch(
              List.of(
                  new Arm("a", 1, counts[0], 0),
                  new Arm("b", 1, counts[1], 0),
                  new Arm("c", 1, counts[2], 0)));
      alarms += Boolean.TRUE.equals(srm.get("alarm")) ? 1 : 0;
    }
    System.out.printf("SRM false alarms on fair splits: %d of %d%n", alarms, trials);
    assertThat(alarms / (double) trials).isLessThanOrEqualTo(0.001);
  }

  @Test
  void probabilityToBeBestFavoursTheClearWinnerAndSumsToOne() {
    double[] p =
        VariantAnalytics.probabilityToBeBest(
            List.of(new Arm("a", 1, 500, 25), new Arm("b", 1, 500, 60), new Arm("c", 1, 500, 40)),
            20_000,
            1);
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-9));
    assertThat(p[1]).isGreaterThan(0.9);
    assertThat(VariantAnalytics.posteriorMean(60, 500)).isCloseTo(61.0 / 502, within(1e-12));
  }
}
