package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The variants table's rates (js/rates.js, run in node): a rate over no trials read "0.0 % [0.0–
 * 100.0]" (the analytics walk: a rewritten variant's new wording and a new segment's rows before
 * their first lead), as if the variant had failed every lead; it is "–", not measured yet.
 */
class RatesScriptTest {
  @TempDir Path dir;

  private List<String> show(String... rates) throws Exception {
    StringBuilder script =
        new StringBuilder("import { pickInterval, fmtInterval } from './rates.js';\n");
    for (String rate : rates) {
      script.append("console.log(fmtInterval(pickInterval(").append(rate).append(")));\n");
    }
    return DashboardScripts.runModules(dir, List.of("util", "rates"), script.toString())
        .strip()
        .lines()
        .toList();
  }

  @Test
  void aRateOverNoTrialsIsNotMeasuredYetNotZeroPercent() throws Exception {
    assertThat(
            show(
                "{successes: 0, trials: 0, rate: 0, low: 0, high: 1}",
                "{successes: 0, trials: 4, rate: 0, low: 0, high: 0.49}",
                "{successes: 7, trials: 7, rate: 1, low: 0.646, high: 1}",
                "0.25",
                "null"))
        .containsExactly("–", "0.0 % [0.0–49.0]", "100.0 % [64.6–100.0]", "25.0 %", "–");
  }

  @Test
  void theVariantsTableShowsItsRatesThroughIt() throws Exception {
    String variants = Files.readString(DashboardScripts.DASHBOARD_JS.resolve("variants.js"));
    assertThat(variants)
        .contains("import { pickInterval, fmtInterval } from './rates.js';")
        .contains("fmtInterval(pickInterval(v.replyRate))")
        .doesNotContain("function pickInterval");
  }
}
