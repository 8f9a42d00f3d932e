package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's Sales reps card (js/reps.js, run in node on a .mjs copy): where each rep stands
 * now in words (inactive, on time off and when they are back, at work, outside working hours), how
 * full they are, and whether a new lead may go to them, as the hand-off decides it.
 */
class RepsScriptTest {
  @TempDir Path dir;

  private String eval(String expression) throws Exception {
    return DashboardScripts.run(
            dir,
            "reps",
            "import { repStatus, backOn, repLoad, takesLeadsNow } from './reps.mjs';\n"
                + "console.log(JSON.stringify("
                + expression
                + "));\n")
        .strip();
  }

  @Test
  void aRepsStatusReadsAsWords() throws Exception {
    assertThat(eval("repStatus({active: false, offNow: true, workingNow: true})"))
        .isEqualTo("\"inactive\"");
    assertThat(eval("repStatus({active: true, workingNow: true})")).isEqualTo("\"at work\"");
    assertThat(eval("repStatus({active: true, workingNow: false})"))
        .isEqualTo("\"outside working hours\"");
    // The server said away (the rep's own zone), whatever the browser's day: no "back" date then.
    assertThat(eval("repStatus({active: true, offNow: true, timeOff: []})"))
        .isEqualTo("\"on time off\"");
    assertThat(eval("repStatus(null)")).isEqualTo("\"–\"");
  }

  @Test
  void aRepOnTimeOffIsBackTheDayAfterTheRangeThatHoldsToday() throws Exception {
    String ranges =
        "[{from: '2026-11-01', to: '2026-11-03'}, {from: '2026-12-24', to: '2026-12-31'}]";
    assertThat(eval("backOn(" + ranges + ", new Date('2026-12-25T10:00:00Z'))"))
        .isEqualTo("\"2027-01-01\"");
    assertThat(eval("backOn(" + ranges + ", new Date('2026-12-20T10:00:00Z'))")).isEqualTo("null");
    assertThat(eval("backOn([{from: 'x', to: 'y'}], new Date('2026-12-25T10:00:00Z'))"))
        .isEqualTo("null");
    assertThat(eval("backOn(null, new Date())")).isEqualTo("null");
  }

  @Test
  void aFullAwayOrInactiveRepTakesNoLead() throws Exception {
    assertThat(eval("repLoad({load: 20, capacity: 20})"))
        .isEqualTo("{\"text\":\"20 / 20\",\"full\":true}");
    assertThat(eval("repLoad({load: 3, capacity: 20})"))
        .isEqualTo("{\"text\":\"3 / 20\",\"full\":false}");
    assertThat(eval("takesLeadsNow({active: true, load: 3, capacity: 20})")).isEqualTo("true");
    assertThat(eval("takesLeadsNow({active: true, offNow: true, load: 3, capacity: 20})"))
        .isEqualTo("false");
    assertThat(eval("takesLeadsNow({active: false, load: 0, capacity: 20})")).isEqualTo("false");
    assertThat(eval("takesLeadsNow({active: true, load: 20, capacity: 20})")).isEqualTo("false");
  }

  @Test
  void theHandOffsViewRendersTheCard() throws Exception {
    assertThat(Files.readString(DashboardScripts.DASHBOARD_JS.resolve("handoffs.js")))
        .contains("renderReps(reps)")
        .contains("api('/api/owners')");
    assertThat(Files.readString(DashboardScripts.DASHBOARD_JS.resolve("../index.html")))
        .contains("id=\"reps-table\"");
  }
}
