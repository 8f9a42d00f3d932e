package com.salesagent.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sourceforge.argparse4j.ArgumentParsers;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.Namespace;
import org.junit.jupiter.api.Test;

/**
 * {@code simulate --mode e2e} through the command's own code: it used to send the literal
 * "simulate" as its bearer token, so every enrolment was refused (401) and no lead ran.
 */
class SimulateCommandTest {
  @Test
  void theEndToEndModeEnrolsWithTheStacksTokenAndEveryLeadFinishesUnderTheContextualStrategy()
      throws Exception {
    Map<String, Object> args = new HashMap<>();
    args.put("strategy", "contextual");
    args.put("burnIn", 2);
    args.put("floor", 0.01);
    args.put("enrolRate", 20.0);
    args.put("seed", 7L);
    EndToEndSimulation.Outcome o =
        new SimulateCommand()
            .endToEnd(
                new Namespace(args),
                SimulateCommand.parseRates("smb=0.05,0.10,0.9;enterprise=0.9,0.10,0.05"),
                8);
    assertThat(o).isNotNull();
    assertThat(o.finished()).isEqualTo(8);
    assertThat(o.leads()).isEqualTo(8);
  }

  /**
   * {@code simulate --owners 2 --conversion-rates ... --reward conversion}: sales reps take the
   * interested leads, the simulated team converts only what the first variant brought (rate 1, the
   * others 0), and the report reads replies -> hand-offs -> conversions per arm from what the run
   * stored: conversions only on that arm, never more than its hand-offs or replies.
   */
  @Test
  void theSalesTeamConvertsOnlyWhatTheConvertingVariantBroughtAndTheReportCountsEachStep()
      throws Exception {
    Map<String, Object> args = new HashMap<>();
    args.put("strategy", "thompson");
    args.put("burnIn", 2);
    args.put("floor", 0.01);
    args.put("enrolRate", 20.0);
    args.put("seed", 11L);
    args.put("conversionRates", "smb=1,0,0;enterprise=1,0,0");
    args.put("reward", "conversion");
    args.put("owners", 2);
    EndToEndSimulation.Outcome o =
        new SimulateCommand()
            .endToEnd(
                new Namespace(args),
                SimulateCommand.parseRates("smb=0.95,0.95,0.95;enterprise=0.95,0.95,0.95"),
                10);

    assertThat(o.finished()).isEqualTo(10);
    assertThat(o.conversions()).as("the converting variant sold").isPositive();
    long handOffs =
        o.handOffsByArm().values().stream()
            .flatMap(m -> m.values().stream())
            .mapToLong(Long::longValue)
            .sum();
    assertThat(o.replies()).as("replies").isGreaterThanOrEqualTo(5);
    assertThat(handOffs).as("hand-offs").isPositive().isLessThanOrEqualTo(o.replies());
    assertThat(
            o.conversionsByArm().values().stream()
                .flatMap(m -> m.values().stream())
                .mapToLong(Long::longValue)
                .sum())
        .isEqualTo(o.conversions());
    String converting =
        o.allocation().values().stream()
            .flatMap(m -> m.keySet().stream())
            .sorted()
            .findFirst()
            .orElseThrow();
    o.conversionsByArm()
        .forEach(
            (segment, arms) -> {
              assertThat(arms.keySet()).as(segment).containsOnly(converting);
              assertThat(arms.get(converting))
                  .isLessThanOrEqualTo(o.handOffsByArm().get(segment).get(converting))
                  .isLessThanOrEqualTo(o.repliesByArm().get(segment).get(converting));
            });
  }

  /**
   * {@code simulate --reward interested --interest-rates ...}: v-cost gets a reply from every lead
   * but each is a polite no (interest rate 0), v-speed gets fewer replies (0.8) and every one shows
   * interest; v-scaling never replies. The interested leads per arm come from the triage of the
   * replies (their feedback), so v-cost has none although every lead on it replied, v-speed has
   * exactly its replies, and the expected and oracle interested leads follow from the hidden rates.
   * Burn-in 5 gives each arm about five leads whatever the bandit learns (v-speed without a reply
   * in five: 0.2^5).
   */
  @Test
  void withInterestRatesTheReportCountsInterestedLeadsPerArmFromTheTriageAndRewardsThem()
      throws Exception {
    Map<String, Object> args = new HashMap<>();
    args.put("strategy", "thompson");
    args.put("burnIn", 5);
    args.put("floor", 0.01);
    args.put("enrolRate", 20.0);
    args.put("seed", 13L);
    args.put("reward", "interested");
    args.put("interestRates", "smb=0,0,1");
    int leads = 18;
    EndToEndSimulation.Outcome o =
        new SimulateCommand()
            .endToEnd(new Namespace(args), SimulateCommand.parseRates("smb=1,0,0.8"), leads);

    assertThat(o).isNotNull();
    assertThat(o.finished()).isEqualTo(leads);
    Map<String, Long> allocated = o.allocation().get("smb");
    Map<String, Long> replies = o.repliesByArm().getOrDefault("smb", Map.of());
    Map<String, Long> interested = o.interestedByArm().getOrDefault("smb", Map.of());
    assertThat(allocated.get("v-cost")).as("allocation %s", allocated).isGreaterThanOrEqualTo(3);
    assertThat(allocated.get("v-speed")).as("allocation %s", allocated).isGreaterThanOrEqualTo(3);
    // A (v-cost): every lead replied (rate 1), and not one reply was read as interest.
    assertThat(replies.get("v-cost")).isEqualTo(allocated.get("v-cost"));
    assertThat(interested.getOrDefault("v-cost", 0L)).isZero();
    // B (v-speed): each reply was triaged interested.
    assertThat(interested.get("v-speed")).isPositive().isEqualTo(replies.get("v-speed"));
    assertThat(interested).doesNotContainKey("v-scaling");
    assertThat(o.interested()).isEqualTo(interested.get("v-speed"));
    double shareA = interested.getOrDefault("v-cost", 0L) / (double) allocated.get("v-cost");
    double shareB = interested.get("v-speed") / (double) allocated.get("v-speed");
    assertThat(shareB).as("interested share of B vs A").isGreaterThan(shareA);
    double replyShareA = replies.get("v-cost") / (double) allocated.get("v-cost");
    assertThat(replyShareA)
        .isGreaterThanOrEqualTo(replies.get("v-speed") / (double) allocated.get("v-speed"));
    // Expected interested leads: 0.8 per lead on v-speed, none elsewhere; the oracle 0.8 each.
    assertThat(o.oracleInterested()).isCloseTo(0.8 * leads, within(1e-9));
    assertThat(o.expectedInterested()).isCloseTo(0.8 * allocated.get("v-speed"), within(1e-9));
    assertThat(o.interestedRegret())
        .isCloseTo(o.oracleInterested() - o.expectedInterested(), within(1e-9));

    List<String> report = EndToEndReport.lines("thompson", "interested", false, true, o);
    assertThat(report.get(0))
        .contains("interested leads " + o.interested() + " vs oracle 14.4 expected")
        .contains("regret on interested leads");
    assertThat(report.get(1)).contains("replies " + o.replies()).contains("(not the reward)");
    assertThat(report).anyMatch(l -> l.contains("interested " + interested));
  }

  /**
   * Bad rate options are refused with a message naming the option, before the stack starts: a
   * malformed --conversion-rates used to throw out of the command after it had started the stack.
   */
  @Test
  void badInterestOrConversionRatesAreRefusedNamingTheOption() throws Exception {
    assertThatThrownBy(() -> SimulateCommand.parseRates("smb=0.5,abc", "--interest-rates"))
        .hasMessageStartingWith("--interest-rates: not a list of numbers");
    assertThatThrownBy(() -> SimulateCommand.parseRates("smb=0.5,1.5", "--interest-rates"))
        .hasMessageStartingWith("--interest-rates: each segment needs at least two rates");
    Map<String, double[]> rates = SimulateCommand.parseRates("smb=0.1,0.2,0.3");
    for (Map.Entry<String, String> bad :
        Map.of(
                "interestRates", "smb=0.5,x,1",
                "conversionRates", "smb=0.5,x,1")
            .entrySet()) {
      Map<String, Object> args = new HashMap<>();
      args.put(bad.getKey(), bad.getValue());
      assertThat(new SimulateCommand().endToEnd(new Namespace(args), rates, 4))
          .as(bad.getKey())
          .isNull();
    }
    Map<String, Object> args = new HashMap<>();
    args.put("interestRates", "enterprise=0.5,0.5,1");
    assertThat(new SimulateCommand().endToEnd(new Namespace(args), rates, 4)).isNull();
  }

  /** The command line as argparse reads it: --interest-rates and --reward interested. */
  @Test
  void theCommandLineTakesInterestRatesAndTheInterestedReward() throws Exception {
    ArgumentParser parser = ArgumentParsers.newFor("sales-agent").build();
    new SimulateCommand().configure(parser.addSubparsers().addParser("simulate"));
    Namespace n =
        parser.parseArgs(
            new String[] {
              "simulate",
              "--mode",
              "e2e",
              "--interest-rates",
              "smb=0.2,0.5,0.9",
              "--reward",
              "interested"
            });
    assertThat(n.getString("interestRates")).isEqualTo("smb=0.2,0.5,0.9");
    assertThat(n.getString("reward")).isEqualTo("interested");
    assertThatThrownBy(() -> parser.parseArgs(new String[] {"simulate", "--reward", "interest"}))
        .hasMessageContaining("--reward");
  }
}
