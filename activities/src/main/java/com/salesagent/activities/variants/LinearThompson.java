package com.salesagent.activities.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * The {@code contextual} strategy: linear Thompson sampling (Agrawal and Goyal, 2013) over a lead's
 * persona features, one Bayesian ridge regression per variant.
 *
 * <p>A lead's features are an intercept and one indicator per facet value of its persona (e.g.
 * {@code seniority=vp}, {@code industry=saas}). For variant a, with every lead that has an outcome
 * (x its features, r 1 if it replied): {@code A = lambda I + sum x x'}, {@code b = sum r x}; the
 * posterior of its weights is N(A^-1 b, v^2 A^-1), so the reply rate it predicts for a new lead x
 * is normal with mean {@code x' A^-1 b} and variance {@code v^2 x' A^-1 x}. Each variant draws once
 * from that; the highest draw wins. v^2 is the campaign's reply rate times its complement (the
 * variance of one lead's outcome).
 *
 * <p>Why it learns faster than a Thompson sampler per segment: a segment is one cell of the persona
 * space, and with many small cells each learns alone from a handful of leads. Here what a variant
 * does for VPs is learnt from VPs of every industry and company size at once; a feature value no
 * lead had yet costs nothing but exploration. The segment is a feature too ({@code segment=smb}):
 * where the segment says something the facets do not, the model learns it like per-segment Thompson
 * (the simulator's segment modes, whose only feature is the segment).
 *
 * <p>Evidence is aggregated: leads with the same features and variant are one {@link Group} with a
 * count and a reply count, so the model is built from a few hundred groups whatever the campaign's
 * size. A model is immutable once built; {@link Builder#add} before, {@link #choose} after.
 */
public final class LinearThompson {
  /** Leads with the same variant and features: how many have an outcome, how many replied. */
  public record Group(String variantId, Map<String, String> context, long leads, long replied) {
    public Group {
      context = Map.copyOf(context);
      if (leads < 0 || replied < 0 || replied > leads) {
        throw new IllegalArgumentException("0 <= replied <= leads");
      }
    }
  }

  /** The strategy's name in agent_configurations and in the timeline. */
  public static final String NAME = "contextual";

  /**
   * The prior's precision: each weight starts N(0, v^2 / 10), a standard deviation of about a tenth
   * of a reply rate at a 15 % campaign rate. 1 lets a feature no lead had yet swamp what was learnt
   * (a third of a rate of noise per such feature); in the simulator 1 to 25 perform alike.
   */
  public static final double DEFAULT_LAMBDA = 10;

  static final String INTERCEPT = "(intercept)";
  private final double lambda;
  private final double floor;
  private final Map<String, Integer> index;
  private final Map<String, ArmModel> arms;
  private final double variance;

  private record ArmModel(DecompositionSolver solver, RealVector mean) {}

  private LinearThompson(
      double lambda,
      double floor,
      Map<String, Integer> index,
      Map<String, ArmModel> arms,
      double variance) {
    this.lambda = lambda;
    this.floor = floor;
    this.index = index;
    this.arms = arms;
    this.variance = variance;
  }

  /** Collects evidence; mutable, one thread. */
  public static final class Builder {
    private final double lambda;
    private final double floor;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, List<Group>> groups = new TreeMap<>();
    private long leads;
    private long replied;

    /**
     * @param lambda the prior's precision (ridge), {@link #DEFAULT_LAMBDA} by default: a feature no
     *     lead had adds 0 to the predicted rate with variance v^2 / lambda
     * @param floor each variant keeps at least this share of the traffic, chosen uniformly
     */
    public Builder(double lambda, double floor) {
      if (lambda <= 0 || floor < 0 || floor >= 1) {
        throw new IllegalArgumentException("lambda > 0 and 0 <= floor < 1");
      }
      this.lambda = lambda;
      this.floor = floor;
      index.put(INTERCEPT, 0);
    }

    public Builder add(Group g) {
      if (g.leads() == 0) {
        return this;
      }
      for (String f : features(g.context())) {
        index.putIfAbsent(f, index.size());
      }
      groups.computeIfAbsent(g.variantId(), k -> new ArrayList<>()).add(g);
      leads += g.leads();
      replied += g.replied();
      return this;
    }

    public LinearThompson build() {
      int d = index.size();
      Map<String, ArmModel> arms = new HashMap<>();
      for (Map.Entry<String, List<Group>> e : groups.entrySet()) {
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
          a[i][i] = lambda;
        }
        double[] b = new double[d];
        for (Group g : e.getValue()) {
          int[] x = positions(index, g.context());
          for (int i : x) {
            b[i] += g.replied();
            for (int j : x) {
              a[i][j] += g.leads();
            }
          }
        }
        DecompositionSolver solver =
            new CholeskyDecomposition(new Array2DRowRealMatrix(a, false)).getSolver();
        arms.put(e.getKey(), new ArmModel(solver, solver.solve(new ArrayRealVector(b, false))));
      }
      // The variance of one outcome at the campaign's rate (smoothed, never below 1 %).
      double p = (replied + 1.0) / (leads + 2.0);
      return new LinearThompson(
          lambda, floor, Map.copyOf(index), arms, Math.max(0.01, p * (1 - p)));
    }
  }

  /** The feature names of a persona: the intercept and facet=value for each known value. */
  static List<String> features(Map<String, String> context) {
    List<String> out = new ArrayList<>();
    out.add(INTERCEPT);
    new TreeMap<>(context)
        .forEach(
            (k, v) -> {
              if (v != null && !v.isBlank()) {
                out.add(k + "=" + v);
              }
            });
    return out;
  }

  private static int[] positions(Map<String, Integer> index, Map<String, String> context) {
    return features(context).stream().mapToInt(index::get).toArray();
  }

  /** The predicted reply rate's mean and variance for variant {@code variantId} and a lead. */
  double[] posterior(String variantId, Map<String, String> context) {
    List<String> names = features(context);
    int d = index.size();
    double[] x = new double[d];
    int unseen = 0;
    for (String f : names) {
      Integer i = index.get(f);
      if (i == null) {
        unseen++; // no lead had it: independent of the rest, weight 0, prior variance 1/lambda
      } else {
        x[i] = 1;
      }
    }
    ArmModel arm = arms.get(variantId);
    if (arm == null) {
      return new double[] {0, variance * names.size() / lambda};
    }
    RealVector xv = new ArrayRealVector(x, false);
    double mean = xv.dotProduct(arm.mean());
    double quad = xv.dotProduct(arm.solver().solve(xv));
    return new double[] {mean, variance * (quad + unseen / lambda)};
  }

  /**
   * Index into {@code arms} (the enabled variants of the lead's segment, stable order) for a lead
   * with these persona features.
   */
  public int choose(List<Arm> arms, Map<String, String> context, RandomGenerator random) {
    if (arms.isEmpty()) {
      throw new IllegalArgumentException("no arms");
    }
    if (random.nextDouble() < floor * arms.size()) {
      return random.nextInt(arms.size());
    }
    int best = 0;
    double bestDraw = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < arms.size(); i++) {
      double[] p = posterior(arms.get(i).variantId(), context);
      double draw = p[0] + Math.sqrt(p[1]) * random.nextGaussian();
      if (draw > bestDraw) {
        bestDraw = draw;
        best = i;
      }
    }
    return best;
  }

  /** The features the model knows, for diagnostics. */
  public List<String> featureNames() {
    String[] names = new String[index.size()];
    index.forEach((k, v) -> names[v] = k);
    return Arrays.asList(names);
  }
}
