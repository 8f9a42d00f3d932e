package com.salesagent.tools.bench;

import com.salesagent.activities.variants.AssignmentStrategy;
import com.salesagent.activities.variants.LinearThompson;
import com.salesagent.activities.variants.PersonaWorld;
import com.salesagent.activities.variants.Simulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@link SimulateCommand}'s modes without the stack: {@code --mode fast}, each strategy against the
 * oracle on segmented hidden reply rates, and {@code --mode persona} (issue 13), on persona cells;
 * both averaged over seeded runs and printed.
 */
final class AlgorithmSimulations {
  private AlgorithmSimulations() {}

  static void fast(Namespace namespace, Map<String, double[]> rates, int leads) {
    int runs = namespace.getInt("runs");
    int burnIn = namespace.getInt("burnIn") == null ? 30 : namespace.getInt("burnIn");
    double[][] bySegment = rates.values().toArray(new double[0][]);
    List<String> segments = new ArrayList<>(rates.keySet());
    System.out.printf(
        "%d leads x %d runs across %s, hidden reply rates %s (oracle: each segment's best)%n",
        leads, runs, segments, describe(rates));
    List<String> strategies = List.of("round_robin", "uniform", "thompson", "contextual");
    List<String> lines = new ArrayList<>();
    try (ProgressBar pb = Progress.bar("simulate", (long) strategies.size() * runs)) {
      for (String name : strategies) {
        long start = System.nanoTime();
        double replies = 0;
        double oracle = 0;
        double regret = 0;
        long[][] allocation = new long[bySegment.length][];
        for (int s = 0; s < bySegment.length; s++) {
          allocation[s] = new long[bySegment[s].length];
        }
        for (int run = 0; run < runs; run++) {
          Simulator.SegmentedResult r;
          if (name.equals(LinearThompson.NAME)) {
            // The same seeds through the persona runner: the segment is the lead's only feature.
            PersonaWorld.Result p =
                PersonaWorld.segments(bySegment)
                    .run(name, leads, 1000 + run, burnIn, namespace.getDouble("floor"));
            r =
                new Simulator.SegmentedResult(
                    name, leads, p.replies(), p.oracle(), p.expected(), p.allocation());
          } else {
            AssignmentStrategy strategy =
                AssignmentStrategy.named(name, burnIn, namespace.getDouble("floor"));
            r = Simulator.run(strategy, bySegment, leads, 1000 + run);
          }
          replies += r.replies();
          oracle += r.oracleReplies();
          regret += r.regret();
          for (int s = 0; s < bySegment.length; s++) {
            for (int i = 0; i < bySegment[s].length; i++) {
              allocation[s][i] += r.allocation()[s][i];
            }
          }
          pb.step();
        }
        double millis = (System.nanoTime() - start) / 1e6 / runs;
        StringBuilder shares = new StringBuilder();
        for (int s = 0; s < bySegment.length; s++) {
          long total = Arrays.stream(allocation[s]).sum();
          shares.append(segments.get(s)).append(" [");
          for (int i = 0; i < allocation[s].length; i++) {
            shares.append(
                String.format("%s%.1f%%", i == 0 ? "" : " ", 100.0 * allocation[s][i] / total));
          }
          shares.append("] ");
        }
        lines.add(
            String.format(
                "  %-12s replies %.0f vs oracle %.0f = %.1f%%; regret %.1f; allocation %s; %.0f"
                    + " ms/run",
                name,
                replies / runs,
                oracle / runs,
                100 * replies / oracle,
                regret / runs,
                shares.toString().trim(),
                millis));
      }
    }
    lines.forEach(System.out::println);
  }

  /**
   * Issue 13's persona mode: 6 industries x 4 seniorities x 3 company sizes, base rates by industry
   * x seniority x size with per-cell noise, the variants' effect by seniority. Per-segment Thompson
   * with each cell a segment (burn-in as given, and none), with today's segments (company size),
   * and the contextual strategy over the persona's features; share of the oracle's expected replies
   * (each cell's best variant), averaged over seeded runs.
   */
  static void personas(Namespace namespace, int leads) {
    int runs = namespace.getInt("runs");
    int burnIn = namespace.getInt("burnIn") == null ? 30 : namespace.getInt("burnIn");
    double floor = namespace.getDouble("floor");
    PersonaWorld cells = PersonaWorld.personas(7, false);
    PersonaWorld bySize = PersonaWorld.personas(7, true);
    record Row(String label, PersonaWorld world, String strategy, int burnIn) {}
    List<Row> rows =
        List.of(
            new Row("round robin", cells, "round_robin", burnIn),
            new Row("thompson, a segment per cell, burn-in " + burnIn, cells, "thompson", burnIn),
            new Row("thompson, a segment per cell, no burn-in", cells, "thompson", 0),
            new Row("thompson, segments by company size", bySize, "thompson", burnIn),
            new Row("contextual (linear Thompson on the persona)", cells, "contextual", burnIn));
    System.out.printf(
        "%d leads x %d runs, %d persona cells (industry x seniority x company size), %d variants"
            + " whose effect follows seniority (oracle: each cell's best)%n",
        leads, runs, cells.cells().size(), cells.variants());
    List<String> lines = new ArrayList<>();
    try (ProgressBar pb = Progress.bar("simulate", (long) rows.size() * runs)) {
      for (Row row : rows) {
        long start = System.nanoTime();
        double expected = 0;
        double oracle = 0;
        long replies = 0;
        for (int run = 0; run < runs; run++) {
          PersonaWorld.Result r =
              row.world().run(row.strategy(), leads, 1000 + run, row.burnIn(), floor);
          expected += r.expected();
          oracle += r.oracle();
          replies += r.replies();
          pb.step();
        }
        lines.add(
            String.format(
                "  %-46s replies %.0f, expected %.0f vs oracle %.0f = %.1f%% of the oracle; %.0f"
                    + " ms/run",
                row.label(),
                (double) replies / runs,
                expected / runs,
                oracle / runs,
                100 * expected / oracle,
                (System.nanoTime() - start) / 1e6 / runs));
      }
    }
    lines.forEach(System.out::println);
  }

  private static String describe(Map<String, double[]> rates) {
    StringBuilder b = new StringBuilder();
    rates.forEach((s, r) -> b.append(s).append('=').append(Arrays.toString(r)).append(' '));
    return b.toString().trim();
  }
}
