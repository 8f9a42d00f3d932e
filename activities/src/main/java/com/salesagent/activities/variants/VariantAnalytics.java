package com.salesagent.activities.variants;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/** The statistics the variant analytics show: Wilson intervals, posteriors, SRM. */
public final class VariantAnalytics {
  private VariantAnalytics() {}

  /** A rate with its 95 % Wilson score interval. */
  public record Rate(long successes, long trials, double rate, double low, double high) {}

  public static Rate wilson(long successes, long trials) {
    if (trials == 0) {
      return new Rate(0, 0, 0, 0, 1);
    }
    double z = 1.959963984540054;
    double p = (double) successes / trials;
    double denominator = 1 + z * z / trials;
    double centre = (p + z * z / (2.0 * trials)) / denominator;
    double half =
        z * Math.sqrt(p * (1 - p) / trials + z * z / (4.0 * trials * trials)) / denominator;
    return new Rate(successes, trials, p, Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /** Mean of Beta(1 + s, 1 + n - s). */
  public static double posteriorMean(long successes, long trials) {
    return (1.0 + successes) / (2.0 + trials);
  }

  /** P(arm i has the highest reply rate), by Monte Carlo over the Beta posteriors. */
  public static double[] probabilityToBeBest(List<Arm> arms, int draws, long seed) {
    RandomGenerator random = new MersenneTwister(seed);
    List<BetaDistribution> posteriors = new ArrayList<>();
    for (Arm a : arms) {
      posteriors.add(
          new BetaDistribution(random, 1 + a.successes(), 1 + a.trials() - a.successes()));
    }
    double[] wins = new double[arms.size()];
    for (int d = 0; d < draws; d++) {
      int best = 0;
      double bestDraw = -1;
      for (int i = 0; i < posteriors.size(); i++) {
        double x = posteriors.get(i).sample();
        if (x > bestDraw) {
          bestDraw = x;
          best = i;
        }
      }
      wins[best]++;
    }
    for (int i = 0; i < wins.length; i++) {
      wins[i] /= draws;
    }
    return wins;
  }

  /**
   * Sample-ratio mismatch of a fixed split: chi-square test of the observed assignments against the
   * configured weights. Alarm below p = 0.001.
   */
  public static Map<String, Object> sampleRatioMismatch(List<Arm> arms) {
    long total = arms.stream().mapToLong(Arm::trials).sum();
    double weights = arms.stream().mapToDouble(a -> Math.max(0, a.weight())).sum();
    Map<String, Object> out = new LinkedHashMap<>();
    if (arms.size() < 2 || total == 0 || weights <= 0) {
      out.put("pValue", null);
      out.put("alarm", false);
      return out;
    }
    double[] expected = new double[arms.size()];
    long[] observed = new long[arms.size()];
    for (int i = 0; i < arms.size(); i++) {
      expected[i] = total * Math.max(1e-9, arms.get(i).weight()) / weights;
      observed[i] = arms.get(i).trials();
    }
    double p = new ChiSquareTest().chiSquareTest(expected, observed);
    out.put("pValue", p);
    out.put("alarm", p < 0.001);
    return out;
  }
}
