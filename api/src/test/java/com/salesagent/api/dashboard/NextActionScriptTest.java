package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leads list and the lead page showed a lead's next action as the workflow's code ({@code
 * re_engage}, {@code remind_owner}, {@code approval_default_reject}): a rep had to guess what the
 * agent would do next (QA). js/next-action.js (run in node on a .mjs copy as {@link
 * ReturningScriptTest} does) says it in words, an unknown code with spaces for underscores.
 */
class NextActionScriptTest {
  @TempDir Path dir;

  private String words(String code) throws Exception {
    return DashboardScripts.run(
            dir,
            "next-action",
            "import { nextActionText } from './next-action.mjs';\n"
                + "console.log(JSON.stringify(nextActionText("
                + code
                + ")));\n")
        .strip();
  }

  @Test
  void eachCodeTheWorkflowSetsReadsAsWords() throws Exception {
    assertThat(words("'re_engage'")).isEqualTo("\"send a re-engagement if not converted\"");
    assertThat(words("'remind_owner'")).isEqualTo("\"remind the owner (half the SLA)\"");
    assertThat(words("'follow_up_unread'")).isEqualTo("\"follow up (first message not read)\"");
    assertThat(words("'send_first_contact'")).isEqualTo("\"send the first message\"");
    assertThat(words("'send_re_engagement'")).isEqualTo("\"send a re-engagement\"");
    assertThat(words("'approval_default_reject'"))
        .isEqualTo("\"wait for approval (reject by default)\"");
    assertThat(words("'some_new_code'")).isEqualTo("\"some new code\"");
    assertThat(words("null")).isEqualTo("\"–\"");
    assertThat(words("'__proto__'")).as("no prototype key is an action").isEqualTo("\"  proto  \"");
  }

  @Test
  void theLeadsListAndTheLeadPageUseTheWords() throws Exception {
    assertThat(Files.readString(DashboardScripts.DASHBOARD_JS.resolve("leads.js")))
        .contains("nextActionText(l.nextAction)");
    assertThat(Files.readString(DashboardScripts.DASHBOARD_JS.resolve("lead-page.js")))
        .contains("nextActionText(l.nextAction)");
  }
}
