package com.salesagent.activities.variants;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * The algorithm-only simulator: leads arrive one by one, the strategy picks a variant, and a hidden
 * per-variant reply probability decides the outcome. The oracle always picks the best variant.
 */
public final class Simulator {
  /** What a run produced. {@code oracleReplies} is the oracle's expected replies. */
  public record Result(
      String strategy,
      int leads,
      long replies,
      double oracleReplies,
      double expectedReplies,
      double cumulativeRegret,
      long[] allocation) {
    public double shareOfOracle() {
      return replies / oracleReplies;
    }
  }

  private Simulator() {}

  public static Result run(AssignmentStrategy strategy, double[] replyRates, int leads, long seed) {
    RandomGenerator choices = new MersenneTwister(seed);
    RandomGenerator outcomes = new MersenneTwister(seed * 31 + 7);
    List<Arm> arms = new ArrayList<>();
    double best = 0;
    for (int i = 0; i < replyRates.length; i++) {
      arms.add(new Arm("v" + i, 1, 0, 0));
      best = Math.max(best, replyRates[i]);
    }
    long replies = 0;
    double expected = 0;
    long[] allocation = new long[replyRates.length];
    for (int n = 0; n < leads; n++) {
      int i = strategy.choose(arms, n, choices);
      boolean replied = outcomes.nextDouble() < replyRates[i];
      arms.set(i, arms.get(i).withOutcome(replied));
      allocation[i]++;
      replies += replied ? 1 : 0;
      expected += replyRates[i];
    }
    double oracle = best * leads;
    return new Result(
        strategy.name(), leads, replies, oracle, expected, oracle - expected, allocation);
  }
}
