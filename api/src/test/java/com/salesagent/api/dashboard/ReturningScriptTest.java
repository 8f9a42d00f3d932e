package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lead page did not say that a lead is a returning contact (assigned {@code v-returning}
 * because an earlier lead of its number replied or converted: the contact's {@code returning}): a
 * rep saw a variant id and nothing of the history. Its line (js/returning.js, run in node on a .mjs
 * copy as {@link MediaNotesScriptTest} does) says why and which earlier lead.
 */
class ReturningScriptTest {
  private static final Path DASHBOARD_JS = Path.of("src/main/resources/assets/dashboard/js");

  @TempDir Path dir;

  private String run(String lead) throws Exception {
    assumeTrue(nodeAvailable(), "node is not installed");
    Path module = DASHBOARD_JS.resolve("returning.js");
    assertThat(module).as("the returning-contact line's module").exists();
    Files.copy(
        module, dir.resolve("returning.mjs"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path script = dir.resolve("run.mjs");
    Files.writeString(
        script,
        "import { returningLine } from './returning.mjs';\n"
            + "console.log(JSON.stringify(returningLine("
            + lead
            + ")));\n");
    Process p = new ProcessBuilder("node", script.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static boolean nodeAvailable() {
    try {
      return new ProcessBuilder("node", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
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
    String page = Files.readString(DASHBOARD_JS.resolve("lead-page.js"));
    assertThat(page).contains("returningLine(l)").contains("lead-returning");
  }
}
