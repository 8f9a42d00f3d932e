package com.salesagent.activities.variants;

/** One variant in one segment: how often it was tried and how often it earned a reply. */
public record Arm(String variantId, double weight, long trials, long successes) {
  public Arm {
    if (successes > trials || successes < 0) {
      throw new IllegalArgumentException("0 <= successes <= trials");
    }
  }

  public Arm withOutcome(boolean success) {
    return new Arm(variantId, weight, trials + 1, successes + (success ? 1 : 0));
  }
}
