package com.salesagent.activities.variants;

import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Thompson sampling over Beta(1 + replies, 1 + non-replies) posteriors, one per variant in the
 * segment, over the leads whose outcome is known (a lead still waiting for its reply is not a
 * non-reply). Burn-in: until every arm has {@code burnIn} leads assigned, the least-assigned arm is
 * chosen (so early luck cannot starve an arm); an arm far behind the others (switched on again
 * before its burn-in was done, or created later) gets its burn-in spread, one lead in k, not in a
 * row ({@link #burnInTurn}). Traffic floor: each arm keeps at least {@code floor} of the traffic
 * (explored uniformly), so a changing audience is noticed.
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
    if (arms.get(leastTried).assigned() < burnIn && burnInTurn(arms, leastTried, n)) {
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

  /**
   * Whether lead {@code n} is a burn-in arm's: always while the arms are level (at the start, or a
   * lag of one round at most); once the arm is further behind than a round (switched off before its
   * burn-in and on again, or created later), its burn-in is spread: lead n is its when {@code n mod
   * k} is below the number of arms in burn-in (one lead in k per such arm), the others go to the
   * bandit. Before, every next lead went to it until it caught up (25 in a row for an arm switched
   * off at 5 of 30).
   */
  private boolean burnInTurn(List<Arm> arms, int leastTried, long n) {
    long most = 0;
    int behind = 0;
    for (Arm a : arms) {
      most = Math.max(most, a.assigned());
      if (a.assigned() < burnIn) {
        behind++;
      }
    }
    return most - arms.get(leastTried).assigned() <= arms.size()
        || Math.floorMod(n, (long) arms.size()) < behind;
  }

  @Override
  public String name() {
    return "thompson";
  }
}
