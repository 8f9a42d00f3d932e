package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

/** Assignment strategies with fixed seeds. */
class StrategiesTest {
  static final double[] RATES = {0.05, 0.08, 0.12};

  @Test
  void thompsonConvergesToTheBestArm() {
    Simulator.Result r = Simulator.run(new ThompsonSampling(30, 0.01), RATES, 10_000, 42);

    assertThat(r.allocation()[2]).isGreaterThan(8_000);
    // The documented figure (README, BENCHMARKS.md): at least 95 % of the oracle's replies.
    assertThat(r.expectedReplies() / r.oracleReplies()).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void burnInGivesEveryArmItsMinimumFirst() {
    ThompsonSampling strategy = new ThompsonSampling(20, 0.0);
    List<Arm> arms =
        new ArrayList<>(
            List.of(new Arm("a", 1, 0, 0), new Arm("b", 1, 0, 0), new Arm("c", 1, 0, 0)));
    MersenneTwister random = new MersenneTwister(1);
    long[] counts = new long[3];
    for (int n = 0; n < 60; n++) {
      int i = strategy.choose(arms, n, random);
      counts[i]++;
      // The first arm looks great early: burn-in must still reach the others.
      arms.set(i, arms.get(i).withOutcome(i == 0));
    }
    assertThat(counts).containsExactly(20, 20, 20);
  }

  /**
   * An arm switched off at 5 of its 30 burn-in leads and on again, while the others took 1,000
   * each: its remaining burn-in is spread (one lead in three), never 25 leads in a row; it still
   * gets its burn-in. Before, every next lead went to it until it had 30.
   */
  @Test
  void anArmSwitchedOnAgainMidBurnInGetsItsBurnInSpreadNotInARow() {
    ThompsonSampling strategy = new ThompsonSampling(30, 0.0);
    List<Arm> arms =
        new ArrayList<>(
            List.of(
                new Arm("a", 1, 1_000, 300), new Arm("b", 1, 1_000, 250), new Arm("c", 1, 5, 0)));
    MersenneTwister random = new MersenneTwister(3);
    int run = 0;
    int longestRun = 0;
    int toC = 0;
    for (long n = 2_005; n < 2_035; n++) {
      int i = strategy.choose(arms, n, random);
      arms.set(i, arms.get(i).withOutcome(false));
      run = i == 2 ? run + 1 : 0;
      longestRun = Math.max(longestRun, run);
      toC += i == 2 ? 1 : 0;
    }
    assertThat(longestRun).as("leads in a row to the arm back in burn-in").isLessThanOrEqualTo(2);
    assertThat(toC).as("its share of the 30 leads, at least").isBetween(10, 20);
    for (long n = 2_035; arms.get(2).assigned() < 30 && n < 2_200; n++) {
      int i = strategy.choose(arms, n, random);
      arms.set(i, arms.get(i).withOutcome(false));
    }
    assertThat(arms.get(2).assigned()).as("its burn-in done, spread").isEqualTo(30);
  }

  @Test
  void theTrafficFloorKeepsEveryArmAlive() {
    Simulator.Result r = Simulator.run(new ThompsonSampling(10, 0.02), RATES, 20_000, 7);

    for (long allocated : r.allocation()) {
      assertThat(allocated).isGreaterThanOrEqualTo((long) (0.02 * 20_000 * 0.8));
    }
  }

  @Test
  void roundRobinCyclesAndWeightedFollowsWeights() {
    Simulator.Result rr = Simulator.run(new AssignmentStrategy.RoundRobin(), RATES, 3_000, 1);
    assertThat(rr.allocation()).containsExactly(1_000, 1_000, 1_000);

    List<Arm> arms = List.of(new Arm("a", 1, 0, 0), new Arm("b", 3, 0, 0));
    MersenneTwister random = new MersenneTwister(3);
    int b = 0;
    for (int n = 0; n < 40_000; n++) {
      b += new AssignmentStrategy.Weighted().choose(arms, n, random);
    }
    assertThat(b / 40_000.0).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void sameSeedSameAllocation() {
    Simulator.Result a = Simulator.run(new ThompsonSampling(30, 0.01), RATES, 2_000, 99);
    Simulator.Result b = Simulator.run(new ThompsonSampling(30, 0.01), RATES, 2_000, 99);
    assertThat(a.allocation()).containsExactly(b.allocation());
  }

  @Test
  void badParametersAreRefused() {
    assertThatThrownBy(() -> new ThompsonSampling(-1, 0.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AssignmentStrategy.named("greedy", 1, 0))
        .hasMessageContaining("round_robin, uniform, weighted, thompson or contextual");
    assertThatThrownBy(() -> new Arm("a", 1, 1, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}
