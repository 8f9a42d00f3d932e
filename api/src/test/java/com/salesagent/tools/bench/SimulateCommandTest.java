package com.salesagent.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
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
}
