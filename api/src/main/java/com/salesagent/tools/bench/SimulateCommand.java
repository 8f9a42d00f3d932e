package com.salesagent.tools.bench;

import com.salesagent.activities.variants.AssignmentStrategy;
import com.salesagent.activities.variants.LinearThompson;
import com.salesagent.activities.variants.PersonaWorld;
import com.salesagent.activities.variants.Simulator;
import com.salesagent.api.SalesAgentApplication;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import me.tongfei.progressbar.ProgressBar;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.bson.Document;

/**
 * {@code java -jar sales-agent.jar simulate}: synthetic leads across segments with hidden reply
 * probabilities per segment and variant; each strategy against the oracle (always the segment's
 * best variant). {@code --mode fast} (default) runs the algorithms alone, averaged over seeded
 * runs; {@code --mode e2e} starts the embedded stack in this JVM and sends every lead through the
 * real workflows, the WhatsApp emulator and the webhook, with follow-up timers shrunk to seconds.
 */
public class SimulateCommand extends Command {
  static final String FAST_RATES = "0.05,0.08,0.12";
  static final String E2E_RATES = "smb=0.05,0.10,0.35;enterprise=0.35,0.10,0.05";

  public SimulateCommand() {
    super("simulate", "Compares assignment strategies against the oracle on synthetic leads");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser
        .addArgument("--mode")
        .choices("fast", "persona", "e2e")
        .setDefault("fast")
        .help(
            "fast: algorithms only; persona: algorithms only on 72 persona cells whose best"
                + " variant follows seniority (issue 13); e2e: through the real workflows on the"
                + " embedded stack");
    subparser
        .addArgument("--leads")
        .type(Integer.class)
        .help("synthetic leads (default 10000 fast, 300 e2e)");
    subparser
        .addArgument("--rates")
        .help(
            "hidden reply rate per variant, e.g. 0.05,0.08,0.12, or per segment:"
                + " smb=0.05,0.1,0.35;enterprise=0.35,0.1,0.05 (e2e: variants in id order, segments"
                + " smb, mid_market, enterprise, default)");
    subparser
        .addArgument("--runs")
        .type(Integer.class)
        .setDefault(20)
        .help("seeded runs to average (fast mode)");
    subparser
        .addArgument("--strategy")
        .setDefault("thompson")
        .help(
            "e2e: the strategy the workflows use (round_robin, uniform, weighted, thompson, contextual)");
    subparser.addArgument("--burn-in").dest("burnIn").type(Integer.class);
    subparser
        .addArgument("--floor")
        .type(Double.class)
        .setDefault(0.01)
        .help("traffic floor per arm");
    subparser
        .addArgument("--enrol-rate")
        .dest("enrolRate")
        .type(Double.class)
        .setDefault(15.0)
        .help("e2e: leads enrolled per second");
    subparser
        .addArgument("--conversion-rates")
        .dest("conversionRates")
        .help(
            "e2e: hidden conversion rates of an interested lead, per segment and variant, as"
                + " --rates; a simulated sales team marks each interested lead converted or lost");
    subparser
        .addArgument("--interest-rates")
        .dest("interestRates")
        .help(
            "e2e: hidden probability that a reply shows interest (else it is a polite no), per"
                + " segment and variant, as --rates, for segments of --rates; without it every"
                + " reply is interested");
    subparser
        .addArgument("--reward")
        .choices("reply", "interested", "conversion")
        .setDefault("reply")
        .help(
            "e2e: what the bandit learns on (agent_configurations.reward); the report's headline"
                + " and regret are on it (interested: interested leads)");
    subparser
        .addArgument("--questions")
        .type(Double.class)
        .setDefault(0.0)
        .help(
            "e2e: share of interested simulated leads who then ask one of the knowledge base's"
                + " questions (price, how it works, cost, a call); the report counts the agent's"
                + " drafts and the entries they cite");
    subparser
        .addArgument("--owners")
        .type(Integer.class)
        .setDefault(0)
        .help(
            "e2e: sales reps (owners) who take interested leads; the report counts replies ->"
                + " hand-offs -> conversions per arm");
    subparser
        .addArgument("--seed")
        .type(Long.class)
        .setDefault(1000L)
        .help("seed of the synthetic leads and the emulator's recipients");
  }

  /** Parses "0.1,0.2" (one segment, "default") or "a=0.1,0.2;b=0.3,0.1". */
  static Map<String, double[]> parseRates(String text) {
    return parseRates(text, "--rates");
  }

  /** As {@link #parseRates(String)}; a problem's message names {@code flag}. */
  static Map<String, double[]> parseRates(String text, String flag) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String part : text.split(";")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      String segment = "default";
      int eq = p.indexOf('=');
      if (eq >= 0) {
        segment = p.substring(0, eq).strip();
        p = p.substring(eq + 1);
      }
      double[] rates;
      try {
        rates =
            Arrays.stream(p.split(",")).mapToDouble(r -> Double.parseDouble(r.strip())).toArray();
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + ": not a list of numbers: " + part);
      }
      if (rates.length < 2 || Arrays.stream(rates).anyMatch(r -> r < 0 || r > 1)) {
        throw new IllegalArgumentException(
            flag + ": each segment needs at least two rates between 0 and 1: " + part);
      }
      if (out.put(segment, rates) != null) {
        throw new IllegalArgumentException(flag + ": segment " + segment + " given twice");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(flag + ": no rates given");
    }
    return out;
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    boolean e2e = "e2e".equals(namespace.getString("mode"));
    Map<String, double[]> rates;
    try {
      rates =
          parseRates(
              namespace.getString("rates") != null
                  ? namespace.getString("rates")
                  : e2e ? E2E_RATES : FAST_RATES);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Integer leads = namespace.getInt("leads");
    if ("persona".equals(namespace.getString("mode"))) {
      personas(namespace, leads == null ? 10_000 : leads);
      return;
    }
    if (e2e) {
      EndToEndSimulation.Outcome o = endToEnd(namespace, rates, leads == null ? 300 : leads);
      System.exit(o == null ? 2 : o.finished() == o.leads() ? 0 : 1);
    } else {
      fast(namespace, rates, leads == null ? 10_000 : leads);
    }
  }

  private static ProgressBar bar(String task, long max) {
    return Progress.bar(task, max);
  }

  private void fast(Namespace namespace, Map<String, double[]> rates, int leads) {
    int runs = namespace.getInt("runs");
    int burnIn = namespace.getInt("burnIn") == null ? 30 : namespace.getInt("burnIn");
    double[][] bySegment = rates.values().toArray(new double[0][]);
    List<String> segments = new ArrayList<>(rates.keySet());
    System.out.printf(
        "%d leads x %d runs across %s, hidden reply rates %s (oracle: each segment's best)%n",
        leads, runs, segments, describe(rates));
    List<String> strategies = List.of("round_robin", "uniform", "thompson", "contextual");
    List<String> lines = new ArrayList<>();
    try (ProgressBar pb = bar("simulate", (long) strategies.size() * runs)) {
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
  private void personas(Namespace namespace, int leads) {
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
    try (ProgressBar pb = bar("simulate", (long) rows.size() * runs)) {
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

  /**
   * Runs the end-to-end simulation and prints it; null (after a message naming the option) on bad
   * rates, checked before the stack starts where they can be.
   */
  EndToEndSimulation.Outcome endToEnd(Namespace namespace, Map<String, double[]> rates, int leads)
      throws Exception {
    for (String segment : rates.keySet()) {
      if (!EndToEndSimulation.SIZE_OF.containsKey(segment)) {
        System.err.println(
            "--rates: segment "
                + segment
                + " is not one of "
                + EndToEndSimulation.SIZE_OF.keySet());
        return null;
      }
    }
    Map<String, double[]> conversionRates;
    Map<String, double[]> interestRates;
    try {
      conversionRates = optionalRates(namespace.getString("conversionRates"), "--conversion-rates");
      interestRates = optionalRates(namespace.getString("interestRates"), "--interest-rates");
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return null;
    }
    if (interestRates != null && !rates.keySet().containsAll(interestRates.keySet())) {
      System.err.printf(
          "--interest-rates: segments %s are not all among the segments of --rates %s%n",
          interestRates.keySet(), rates.keySet());
      return null;
    }
    System.out.println("Starting the embedded stack for the end-to-end simulation...");
    EmbeddedStack stack =
        EmbeddedStack.start(
            "simulate",
            Map.of(
                "FOLLOW_UP_READ_NO_REPLY", "2s",
                "FOLLOW_UP_UNREAD", "3s",
                "MAX_FOLLOW_UPS", "1",
                "LOG_LEVEL", "ERROR"));
    SalesAgentApplication app = stack.app();
    int port = stack.port();
    List<String> variants =
        app.connections()
            .mongo()
            .database()
            .getCollection("prompt_variants")
            // The returning-contact variant is never in a pool: the rates name the bandit's arms.
            .find(
                com.mongodb.client.model.Filters.and(
                    com.mongodb.client.model.Filters.eq("enabled", true),
                    com.mongodb.client.model.Filters.ne(
                        "variantId", com.salesagent.activities.lead.ReturningContacts.VARIANT_ID)))
            .map(d -> d.getString("variantId"))
            .into(new ArrayList<>());
    variants.sort(String::compareTo);
    Map<String, Map<String, Double>> byVariant = byVariant(rates, variants, "--rates");
    Map<String, Map<String, Double>> conversions =
        conversionRates == null ? null : byVariant(conversionRates, variants, "--conversion-rates");
    Map<String, Map<String, Double>> interest =
        interestRates == null ? null : byVariant(interestRates, variants, "--interest-rates");
    if (byVariant == null
        || (conversionRates != null && conversions == null)
        || (interestRates != null && interest == null)) {
      app.server().stop();
      return null;
    }
    String strategy = namespace.getString("strategy");
    String reward = namespace.getString("reward") == null ? "reply" : namespace.getString("reward");
    int burnIn = namespace.getInt("burnIn") == null ? 10 : namespace.getInt("burnIn");
    System.out.printf(
        "%d leads through the real workflows, strategy %s (burn-in %d, reward %s), hidden reply"
            + " rates %s%s%n",
        leads,
        strategy,
        burnIn,
        reward,
        byVariant,
        interest == null ? "" : ", hidden interest rates " + interest);
    double questions =
        namespace.getDouble("questions") == null ? 0 : namespace.getDouble("questions");
    EndToEndSimulation.Outcome o;
    try (ProgressBar pb = bar("leads finished", leads)) {
      o =
          EndToEndSimulation.run(
              app,
              port,
              stack.token(),
              new EndToEndSimulation.Options(
                  leads,
                  byVariant,
                  strategy,
                  burnIn,
                  namespace.getDouble("floor"),
                  namespace.getDouble("enrolRate"),
                  Duration.ofMinutes(5),
                  namespace.getLong("seed"),
                  conversions,
                  reward,
                  questions,
                  namespace.getInt("owners") == null ? 0 : namespace.getInt("owners"),
                  interest),
              pb::stepTo);
    }
    if (questions > 0) {
      reportDrafts(app);
    }
    EndToEndReport.lines(strategy, reward, conversions != null, interest != null, o)
        .forEach(System.out::println);
    app.server().stop();
    return o;
  }

  /**
   * The agent's drafts of the run (each follow-up question answered beside its lead's lifecycle):
   * waited for until none has come for two seconds (at most 30), then counted: grounded or not, and
   * which knowledge entries they cite.
   */
  private static void reportDrafts(SalesAgentApplication app) throws InterruptedException {
    var drafts = app.connections().mongo().database().getCollection("drafts");
    long seen = -1;
    long stable = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (stable < 4 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      long now = drafts.countDocuments();
      stable = now == seen ? stable + 1 : 0;
      seen = now;
    }
    Map<String, Long> cited = new TreeMap<>();
    Map<String, Long> stages = new TreeMap<>();
    long grounded = 0;
    for (Document d : drafts.find()) {
      if (Boolean.TRUE.equals(d.getBoolean("grounded"))) {
        grounded++;
      }
      stages.merge(String.valueOf(d.getString("stage")), 1L, Long::sum);
      for (Document c : d.getList("citations", Document.class, List.of())) {
        if (Boolean.TRUE.equals(d.getBoolean("grounded"))) {
          cited.merge(c.getString("entryId"), 1L, Long::sum);
        }
      }
    }
    System.out.printf(
        "  drafts %d (grounded %d); stages %s; entries cited %s%n", seen, grounded, stages, cited);
  }

  /** The rates of an optional option (null when not given). */
  private static Map<String, double[]> optionalRates(String text, String flag) {
    return text == null ? null : parseRates(text, flag);
  }

  /** Rates per segment by variant id (variants in id order); null after the message if wrong. */
  private static Map<String, Map<String, Double>> byVariant(
      Map<String, double[]> rates, List<String> variants, String flag) {
    Map<String, Map<String, Double>> byVariant = new TreeMap<>();
    for (Map.Entry<String, double[]> e : rates.entrySet()) {
      if (e.getValue().length != variants.size()) {
        System.err.printf(
            "%s: segment %s has %d rates for %d variants %s%n",
            flag, e.getKey(), e.getValue().length, variants.size(), variants);
        return null;
      }
      Map<String, Double> m = new TreeMap<>();
      for (int i = 0; i < variants.size(); i++) {
        m.put(variants.get(i), e.getValue()[i]);
      }
      byVariant.put(e.getKey(), m);
    }
    return byVariant;
  }

  private static String describe(Map<String, double[]> rates) {
    StringBuilder b = new StringBuilder();
    rates.forEach((s, r) -> b.append(s).append('=').append(Arrays.toString(r)).append(' '));
    return b.toString().trim();
  }
}
