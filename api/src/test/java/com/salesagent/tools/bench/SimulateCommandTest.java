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
}
