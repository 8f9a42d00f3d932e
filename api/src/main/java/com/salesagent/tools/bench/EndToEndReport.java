package com.salesagent.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code simulate --mode e2e} prints: the headline on the bandit's reward (replies, or
 * interested leads with {@code --reward interested}) against the oracle, with the cumulative regret
 * measured on it; the other measures after it, named as not the reward; then per segment the
 * allocation and replies, interested leads, hand-offs and conversions per arm.
 */
final class EndToEndReport {
  private EndToEndReport() {}

  /**
   * {@code conversions}: conversion rates were given; {@code interestRates}: interest rates were
   * given (else every reply is interested and the interest line would repeat the replies').
   */
  static List<String> lines(
      String strategy,
      String reward,
      boolean conversions,
      boolean interestRates,
      EndToEndSimulation.Outcome o) {
    List<String> out = new ArrayList<>();
    boolean onInterest = "interested".equals(reward);
    String finished =
        String.format(
            "  %s: %d of %d leads finished (dev-server stalls %d) in %.1f s; ",
            strategy, o.finished(), o.leads(), o.devServerStalls(), o.took().toMillis() / 1000.0);
    String replies =
        String.format(
            "replies %d vs oracle %.1f expected (%.1f%%); expected replies of the allocation %.1f;",
            o.replies(),
            o.oracleReplies(),
            percent(o.replies(), o.oracleReplies()),
            o.expectedReplies());
    String interested =
        String.format(
            "interested leads %d vs oracle %.1f expected (%.1f%%); expected interested leads of the"
                + " allocation %.1f;",
            o.interested(),
            o.oracleInterested(),
            percent(o.interested(), o.oracleInterested()),
            o.expectedInterested());
    if (onInterest) {
      out.add(
          finished
              + interested
              + String.format(
                  " cumulative regret %.1f (reward interested: regret on interested leads)",
                  o.interestedRegret()));
      out.add(
          "  " + replies + String.format(" regret on replies %.1f (not the reward)", o.regret()));
    } else {
      out.add(finished + replies + String.format(" cumulative regret %.1f", o.regret()));
      if (interestRates) {
        out.add(
            "  "
                + interested
                + String.format(
                    " regret on interested leads %.1f (not the reward)", o.interestedRegret()));
      }
    }
    o.allocation()
        .forEach(
            (segment, arms) ->
                out.add(
                    String.format(
                        "  %-12s allocation %s, replies %s, interested %s, hand-offs %s,"
                            + " conversions %s",
                        segment,
                        arms,
                        o.repliesByArm().getOrDefault(segment, Map.of()),
                        o.interestedByArm().getOrDefault(segment, Map.of()),
                        o.handOffsByArm().getOrDefault(segment, Map.of()),
                        o.conversionsByArm().getOrDefault(segment, Map.of()))));
    if (conversions) {
      out.add(
          String.format(
              "  reward %s: conversions %d vs oracle %.1f expected (%.1f%%); expected conversions"
                  + " of the allocation %.1f; replies -> conversions %d -> %d",
              reward,
              o.conversions(),
              o.oracleConversions(),
              percent(o.conversions(), o.oracleConversions()),
              o.expectedConversions(),
              o.replies(),
              o.conversions()));
    }
    return out;
  }

  private static double percent(long got, double oracle) {
    return oracle == 0 ? 0 : 100 * got / oracle;
  }
}
