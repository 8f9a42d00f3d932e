package com.salesagent.activities.variants;

/**
 * One variant in one segment: how often it was tried and how often it earned the reward (a reply,
 * interest or a conversion: {@link Reward}). A trial is a lead with an outcome; {@code awaiting}
 * are leads assigned to it whose outcome is not known yet ({@link AwaitingOutcome}): they count for
 * spreading traffic (burn-in), not as evidence.
 */
public record Arm(String variantId, double weight, long trials, long successes, long awaiting) {
  public Arm {
    if (successes > trials || successes < 0 || awaiting < 0) {
      throw new IllegalArgumentException("0 <= successes <= trials, awaiting >= 0");
    }
  }

  public Arm(String variantId, double weight, long trials, long successes) {
    this(variantId, weight, trials, successes, 0);
  }

  /** Leads assigned to it, with or without an outcome. */
  public long assigned() {
    return trials + awaiting;
  }

  public Arm withOutcome(boolean success) {
    return new Arm(variantId, weight, trials + 1, successes + (success ? 1 : 0), awaiting);
  }
}
