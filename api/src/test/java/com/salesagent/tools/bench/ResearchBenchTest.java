package com.salesagent.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.api.embedded.EmbeddedCommandTimes.Count;
import com.salesagent.api.embedded.EmbeddedCommandTimes.What;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResearchBenchTest {
  /**
   * 300 leads: 3,000 contact reads of 1 ms each, 24 aggregates of 40 ms each (0.08 per lead, a
   * quarter of the server's time) and 6 counts of 1 ms. The aggregate is listed though it is sent
   * less than once per ten leads; the cheap rare count is not.
   */
  @Test
  void aRareCommandThatCostsMuchOfTheServersTimeIsListed() {
    What find = new What("find", "contacts");
    What aggregate = new What("aggregate", "contacts");
    What count = new What("count", "suppressions");
    Map<What, Count> before = Map.of(find, new Count(100, 100_000_000L));
    Map<What, Count> after =
        Map.of(
            find,
            new Count(3_100, 3_100_000_000L),
            aggregate,
            new Count(24, 960_000_000L),
            count,
            new Count(6, 6_000_000L));

    String lines = ResearchBench.perLead(before, after, 300);

    assertThat(lines).startsWith("10.1 commands, 13.22 ms inside the server:");
    assertThat(lines).contains("find contacts").contains("aggregate contacts");
    assertThat(lines).doesNotContain("count suppressions");
  }
}
