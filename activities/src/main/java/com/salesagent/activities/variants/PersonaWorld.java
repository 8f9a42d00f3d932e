package com.salesagent.activities.variants;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * A synthetic audience for the simulator: cells of persona features (e.g. industry x seniority x
 * company size), each with a hidden reply rate per variant. Leads arrive in a uniformly random
 * cell; a strategy sees the cell's features and, for per-segment strategies, its segment.
 *
 * <p>{@link #personas} is the persona mode of issue 13: the base rate depends on industry and
 * seniority (not separably: every cell has its own noise) and on company size; the variants' effect
 * depends on seniority only (an angle for executives, one for managers and individual contributors,
 * a plain one in between), so the best variant of a cell follows one feature while today's segments
 * (company size) do not describe it. {@link #segments} is today's modes: one feature, the segment,
 * and a rate table per segment.
 */
public record PersonaWorld(
    List<Map<String, String>> cells, double[][] rates, Function<Integer, String> segmentOf) {

  public PersonaWorld {
    if (cells.size() != rates.length || cells.isEmpty()) {
      throw new IllegalArgumentException("one rate row per cell");
    }
  }

  public int variants() {
    return rates[0].length;
  }

  /** Today's modes: each segment is a cell whose only feature is the segment. */
  public static PersonaWorld segments(double[][] ratesBySegment) {
    List<Map<String, String>> cells = new ArrayList<>();
    for (int s = 0; s < ratesBySegment.length; s++) {
      cells.add(Map.of("segment", "s" + s));
    }
    return new PersonaWorld(cells, ratesBySegment, s -> "s" + s);
  }

  static final String[] INDUSTRIES = {
    "software", "retail", "financial_services", "healthcare", "manufacturing", "logistics"
  };
  static final double[] INDUSTRY_BASE = {0.10, 0.07, 0.05, 0.08, 0.06, 0.09};
  static final String[] SENIORITIES = {"c_level", "vp", "manager", "ic"};
  static final double[] SENIORITY_FACTOR = {0.7, 1.0, 1.3, 1.1};
  static final String[] SIZE_BANDS = {"smb", "mid_market", "enterprise"};
  static final double[] SIZE_FACTOR = {1.15, 1.0, 0.8};

  /** Per variant and seniority: the multiplier of the cell's base rate. */
  static final double[][] VARIANT_EFFECT = {
    {1.0, 1.0, 1.0, 1.0}, // a plain angle
    {1.9, 1.4, 0.7, 0.6}, // the executives' angle (scaling, cost of delay)
    {0.6, 0.8, 1.5, 1.7}, // the practitioners' angle (time saved today)
  };

  /**
   * The persona mode: 6 industries x 4 seniorities x 3 company sizes = 72 cells, three variants.
   * Each cell is its own segment (many small segments); {@code sizeBandSegments} makes today's
   * segments (company size) the segments instead.
   */
  public static PersonaWorld personas(long worldSeed, boolean sizeBandSegments) {
    RandomGenerator noise = new MersenneTwister(worldSeed);
    List<Map<String, String>> cells = new ArrayList<>();
    List<double[]> rates = new ArrayList<>();
    List<String> segments = new ArrayList<>();
    for (int i = 0; i < INDUSTRIES.length; i++) {
      for (int s = 0; s < SENIORITIES.length; s++) {
        for (int z = 0; z < SIZE_BANDS.length; z++) {
          Map<String, String> cell = new LinkedHashMap<>();
          cell.put("industry", INDUSTRIES[i]);
          cell.put("seniority", SENIORITIES[s]);
          cell.put("sizeBand", SIZE_BANDS[z]);
          // what production adds to the facets: the lead's segment (today's: the size band)
          cell.put("segment", SIZE_BANDS[z]);
          String segment = sizeBandSegments ? SIZE_BANDS[z] : String.join("/", cell.values());
          double base =
              INDUSTRY_BASE[i]
                  * SENIORITY_FACTOR[s]
                  * SIZE_FACTOR[z]
                  * (0.8 + 0.45 * noise.nextDouble());
          double[] r = new double[VARIANT_EFFECT.length];
          for (int v = 0; v < r.length; v++) {
            r[v] = Math.min(0.6, base * VARIANT_EFFECT[v][s]);
          }
          cells.add(Map.copyOf(cell));
          rates.add(r);
          segments.add(segment);
        }
      }
    }
    return new PersonaWorld(cells, rates.toArray(new double[0][]), segments::get);
  }

  /** Leads between two rebuilds of the contextual model (production: about a second's worth). */
  static final int REFRESH = 10;

  /** What a world run produced; {@code oracle} is the expected replies of each cell's best. */
  public record Result(
      String strategy,
      int leads,
      long replies,
      double expected,
      double oracle,
      long[][] allocation) {
    public double shareOfOracle() {
      return expected / oracle;
    }
  }

  /**
   * Leads arrive one by one in a uniformly random cell. {@code strategy}: {@code round_robin} (per
   * segment), {@code thompson} (one sampler per segment, learning from its segment's outcomes, the
   * production {@link ThompsonSampling}) or {@code contextual} ({@link LinearThompson} over the
   * cell's features, rebuilt from every outcome so far every {@link #REFRESH} leads, as production
   * rebuilds it once a second). With {@link #segments} and the same seed, round robin and Thompson
   * make the same choices as {@link Simulator#run(AssignmentStrategy, double[][], int, long)}.
   */
  public Result run(String strategy, int leads, long seed, int burnIn, double floor) {
    RandomGenerator choices = new MersenneTwister(seed);
    RandomGenerator outcomes = new MersenneTwister(seed * 31 + 7);
    RandomGenerator arrivals = new MersenneTwister(seed * 17 + 3);
    int k = variants();
    Map<String, List<Arm>> bySegment = new HashMap<>();
    Map<String, Long> seen = new HashMap<>();
    // Contextual evidence, aggregated as in production: (cell, variant) -> leads, replies.
    long[][] n = new long[cells.size()][k];
    long[][] r = new long[cells.size()][k];
    ThompsonSampling thompson = new ThompsonSampling(burnIn, floor);
    LinearThompson model = null;
    long replies = 0;
    double expected = 0;
    double oracle = 0;
    for (int lead = 0; lead < leads; lead++) {
      int c = arrivals.nextInt(cells.size());
      String segment = segmentOf.apply(c);
      List<Arm> arms =
          bySegment.computeIfAbsent(
              segment,
              s -> {
                List<Arm> a = new ArrayList<>();
                for (int v = 0; v < k; v++) {
                  a.add(new Arm("v" + v, 1, 0, 0));
                }
                return a;
              });
      long number = seen.merge(segment, 1L, Long::sum) - 1;
      int chosen =
          switch (strategy) {
            case "round_robin" -> (int) Math.floorMod(number, (long) k);
            case "thompson" -> thompson.choose(arms, number, choices);
            case "contextual" -> {
              if (model == null || lead % REFRESH == 0) {
                model = model(n, r, floor);
              }
              yield model.choose(arms, cells.get(c), choices);
            }
            default -> throw new IllegalArgumentException("unknown strategy " + strategy);
          };
      boolean replied = outcomes.nextDouble() < rates[c][chosen];
      arms.set(chosen, arms.get(chosen).withOutcome(replied));
      n[c][chosen]++;
      r[c][chosen] += replied ? 1 : 0;
      replies += replied ? 1 : 0;
      expected += rates[c][chosen];
      double best = 0;
      for (double x : rates[c]) {
        best = Math.max(best, x);
      }
      oracle += best;
    }
    return new Result(strategy, leads, replies, expected, oracle, n);
  }

  private LinearThompson model(long[][] n, long[][] r, double floor) {
    LinearThompson.Builder b = new LinearThompson.Builder(LinearThompson.DEFAULT_LAMBDA, floor);
    for (int c = 0; c < n.length; c++) {
      for (int v = 0; v < n[c].length; v++) {
        b.add(new LinearThompson.Group("v" + v, cells.get(c), n[c][v], r[c][v]));
      }
    }
    return b.build();
  }
}
