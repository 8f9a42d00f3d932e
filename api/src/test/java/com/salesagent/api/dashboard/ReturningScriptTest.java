package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lead page did not say that a lead is a returning contact (assigned {@code v-returning}
 * because an earlier lead of its number replied or converted: the contact's {@code returning}): a
 * rep saw a variant id and nothing of the history. Its line (js/returning.js, run in node on a .mjs
 * copy as {@link MediaNotesScriptTest} does) says why and which earlier lead.
 */
class ReturningScriptTest {
  @TempDir Path dir;

  private String run(String lead) throws Exception {
    assertThat(DashboardScripts.DASHBOARD_JS.resolve("returning.js"))
        .as("the returning-contact line's module")
        .exists();
    return DashboardScripts.run(
            dir,
            "returning",
            "import { returningLine } from './returning.mjs';\n"
                + "console.log(JSON.stringify(returningLine("
                + lead
                + ")));\n")
        .strip();
  }

  @Test
  void aReturningContactSaysWhyAndWhichEarlierLead() throws Exception {
    assertThat(
            run(
                "{ variantId: 'v-returning', returning: { relationship: 'customer', leadId:"
                    + " 'L-old' } }"))
        .isEqualTo(
            "\"Returning contact: an earlier lead of this number converted (lead L-old);"
                + " greeted as one we know (v-returning)\"");
    assertThat(
            run(
                "{ variantId: 'v-cold', returning: { relationship: 'conversation', leadId:"
                    + " 'L-1' } }"))
        .isEqualTo(
            "\"Returning contact: an earlier lead of this number replied (lead L-1);"
                + " v-returning not used: greeted by v-cold\"");
    assertThat(run("{ variantId: 'v-cold' }")).isEqualTo("null");
  }

  @Test
  void theLeadPageShowsTheLine() throws Exception {
    String page = Files.readString(DashboardScripts.DASHBOARD_JS.resolve("lead-page.js"));
    assertThat(page).contains("returningLine(l)").contains("lead-returning");
  }
}
