package com.salesagent.activities.persona;

/**
 * The Wilson score interval of a proportion (Wilson, 1927): unlike the normal approximation it
 * stays inside [0, 1] and is honest for small samples and rates near 0 or 1.
 */
public final class Wilson {
  /** The 97.5th percentile of the standard normal: a two-sided 95 % interval. */
  public static final double Z95 = 1.959963984540054;

  /** A rate with its interval; {@code rate} is null when there is no sample. */
  public record Interval(long successes, long n, Double rate, double low, double high) {}

  private Wilson() {}

  public static Interval of(long successes, long n) {
    return of(successes, n, Z95);
  }

  public static Interval of(long successes, long n, double z) {
    if (n < 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException("need 0 <= successes <= n, got " + successes + "/" + n);
    }
    if (n == 0) {
      return new Interval(0, 0, null, 0, 1);
    }
    double p = (double) successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new Interval(successes, n, p, Math.max(0, centre - half), Math.min(1, centre + half));
  }
}
