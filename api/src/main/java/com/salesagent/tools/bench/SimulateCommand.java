package com.salesagent.tools.bench;

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
      AlgorithmSimulations.personas(namespace, leads == null ? 10_000 : leads);
      return;
    }
    if (e2e) {
      EndToEndSimulation.Outcome o = endToEnd(namespace, rates, leads == null ? 300 : leads);
      System.exit(o == null ? 2 : o.finished() == o.leads() ? 0 : 1);
    } else {
      AlgorithmSimulations.fast(namespace, rates, leads == null ? 10_000 : leads);
    }
  }

  private static ProgressBar bar(String task, long max) {
    return Progress.bar(task, max);
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
      SimulatedDrafts.report(app);
    }
    EndToEndReport.lines(strategy, reward, conversions != null, interest != null, o)
        .forEach(System.out::println);
    app.server().stop();
    return o;
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
}
