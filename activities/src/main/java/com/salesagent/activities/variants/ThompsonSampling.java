package com.salesagent.activities.variants;

import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Thompson sampling over Beta(1 + replies, 1 + non-replies) posteriors, one per variant in the
 * segment, over the leads whose outcome is known (a lead still waiting for its reply is not a
 * non-reply). Burn-in: until every arm has {@code burnIn} leads assigned, the least-assigned arm is
 * chosen (so early luck cannot starve an arm). Traffic floor: each arm keeps at least {@code floor}
 * of the traffic (explored uniformly), so a changing audience is noticed.
 */
public final class ThompsonSampling implements AssignmentStrategy {
  private final int burnIn;
  private final double floor;

  public ThompsonSampling(int burnIn, double floor) {
    if (burnIn < 0 || floor < 0 || floor >= 1) {
      throw new IllegalArgumentException("burnIn >= 0 and 0 <= floor < 1");
    }
    this.burnIn = burnIn;
    this.floor = floor;
  }

  @Override
  public int choose(List<Arm> arms, long n, RandomGenerator random) {
    // Burn-in spreads assignments (leads still awaiting their outcome included: a burst before
    // any outcome must not all go to one arm); the posterior below uses outcomes only.
    int leastTried = 0;
    for (int i = 1; i < arms.size(); i++) {
      if (arms.get(i).assigned() < arms.get(leastTried).assigned()) {
        leastTried = i;
      }
    }
    if (arms.get(leastTried).assigned() < burnIn) {
      return leastTried;
    }
    if (random.nextDouble() < floor * arms.size()) {
      return random.nextInt(arms.size());
    }
    int best = 0;
    double bestDraw = -1;
    for (int i = 0; i < arms.size(); i++) {
      Arm a = arms.get(i);
      double draw =
          new BetaDistribution(random, 1 + a.successes(), 1 + a.trials() - a.successes()).sample();
      if (draw > bestDraw) {
        bestDraw = draw;
        best = i;
      }
    }
    return best;
  }

  @Override
  public String name() {
    return "thompson";
  }
}
