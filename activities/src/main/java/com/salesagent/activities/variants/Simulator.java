package com.salesagent.activities.variants;

import java.util.ArrayList;
import java.util.Arrays;
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

  /** A run over several segments, each with its own arms (as variant_stats keeps them). */
  public record SegmentedResult(
      String strategy,
      int leads,
      long replies,
      double oracleReplies,
      double expectedReplies,
      long[][] allocation) {
    public double regret() {
      return oracleReplies - expectedReplies;
    }
  }

  private Simulator() {}

  /**
   * Leads arrive one by one in a uniformly random segment; the strategy picks among that segment's
   * arms, learning from that segment's outcomes only. The oracle picks each segment's best arm.
   */
  public static SegmentedResult run(
      AssignmentStrategy strategy, double[][] ratesBySegment, int leads, long seed) {
    RandomGenerator choices = new MersenneTwister(seed);
    RandomGenerator outcomes = new MersenneTwister(seed * 31 + 7);
    RandomGenerator arrivals = new MersenneTwister(seed * 17 + 3);
    int segments = ratesBySegment.length;
    List<List<Arm>> arms = new ArrayList<>();
    long[][] allocation = new long[segments][];
    int[] seen = new int[segments];
    for (int s = 0; s < segments; s++) {
      List<Arm> a = new ArrayList<>();
      for (int i = 0; i < ratesBySegment[s].length; i++) {
        a.add(new Arm("v" + i, 1, 0, 0));
      }
      arms.add(a);
      allocation[s] = new long[ratesBySegment[s].length];
    }
    long replies = 0;
    double expected = 0;
    double oracle = 0;
    for (int n = 0; n < leads; n++) {
      int s = arrivals.nextInt(segments);
      double[] rates = ratesBySegment[s];
      int i = strategy.choose(arms.get(s), seen[s]++, choices);
      boolean replied = outcomes.nextDouble() < rates[i];
      arms.get(s).set(i, arms.get(s).get(i).withOutcome(replied));
      allocation[s][i]++;
      replies += replied ? 1 : 0;
      expected += rates[i];
      oracle += Arrays.stream(rates).max().orElse(0);
    }
    return new SegmentedResult(strategy.name(), leads, replies, oracle, expected, allocation);
  }

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
