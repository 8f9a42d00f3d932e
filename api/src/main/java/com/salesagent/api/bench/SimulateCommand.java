package com.salesagent.api.bench;

import com.salesagent.activities.variants.AssignmentStrategy;
import com.salesagent.activities.variants.Simulator;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.util.Arrays;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code java -jar sales-agent.jar simulate}: the algorithm-only simulator. Synthetic leads with
 * hidden per-variant reply probabilities; each strategy against the oracle (always the best
 * variant), averaged over several seeded runs. The end-to-end mode through the workflows comes with
 * the learning-loop issue.
 */
public class SimulateCommand extends Command {
  public SimulateCommand() {
    super("simulate", "Compares assignment strategies against the oracle on synthetic leads");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("--leads").type(Integer.class).setDefault(10_000);
    subparser
        .addArgument("--rates")
        .setDefault("0.05,0.08,0.12")
        .help("hidden reply rate per variant");
    subparser
        .addArgument("--runs")
        .type(Integer.class)
        .setDefault(20)
        .help("seeded runs to average");
    subparser.addArgument("--burn-in").dest("burnIn").type(Integer.class).setDefault(30);
    subparser
        .addArgument("--floor")
        .type(Double.class)
        .setDefault(0.01)
        .help("traffic floor per arm");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) {
    int leads = namespace.getInt("leads");
    int runs = namespace.getInt("runs");
    double[] rates =
        Arrays.stream(namespace.getString("rates").split(","))
            .mapToDouble(Double::parseDouble)
            .toArray();
    System.out.printf(
        "%d leads x %d runs, hidden reply rates %s (oracle: always the best)%n",
        leads, runs, Arrays.toString(rates));
    for (String name : List.of("round_robin", "uniform", "thompson")) {
      long start = System.nanoTime();
      double replies = 0;
      double oracle = 0;
      double regret = 0;
      long[] allocation = new long[rates.length];
      for (int run = 0; run < runs; run++) {
        AssignmentStrategy strategy =
            AssignmentStrategy.named(
                name, namespace.getInt("burnIn"), namespace.getDouble("floor"));
        Simulator.Result r = Simulator.run(strategy, rates, leads, 1000 + run);
        replies += r.replies();
        oracle += r.oracleReplies();
        regret += r.cumulativeRegret();
        for (int i = 0; i < rates.length; i++) {
          allocation[i] += r.allocation()[i];
        }
      }
      double millis = (System.nanoTime() - start) / 1e6 / runs;
      StringBuilder shares = new StringBuilder();
      for (long a : allocation) {
        shares.append(String.format("%.1f%% ", 100.0 * a / ((double) leads * runs)));
      }
      System.out.printf(
          "  %-12s replies %.0f vs oracle %.0f = %.1f%%; regret %.1f; allocation %s; %.0f ms/run%n",
          name,
          replies / runs,
          oracle / runs,
          100 * replies / oracle,
          regret / runs,
          shares.toString().trim(),
          millis);
    }
  }
}
