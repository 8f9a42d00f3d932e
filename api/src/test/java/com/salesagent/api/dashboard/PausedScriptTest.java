package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rep's message to a paused lead was toasted "Message queued" like any other, though it waits for
 * an operator's resume. The reply's 202 says so ({@code waitsForResume}, {@code pausedAt}), and the
 * lead page's line (js/paused.js, run in node on a .mjs copy as {@link ReturningScriptTest} does)
 * tells the rep.
 */
class PausedScriptTest {
  @TempDir Path dir;

  private String run(String queued) throws Exception {
    assertThat(DashboardScripts.DASHBOARD_JS.resolve("paused.js"))
        .as("the paused-lead line's module")
        .exists();
    return DashboardScripts.run(
            dir,
            "paused",
            "import { waitsForResumeLine } from './paused.mjs';\n"
                + "console.log(JSON.stringify(waitsForResumeLine("
                + queued
                + ")));\n")
        .strip();
  }

  @Test
  void aMessageThatWaitsForTheResumeSaysSo() throws Exception {
    assertThat(
            run(
                "{ status: 'queued', waitsForResume: true, pausedAt: '2026-12-05T09:00:00Z' },"
                    + " (t) => 'at ' + t"))
        .isEqualTo(
            "\"Queued: the lead is paused (since at 2026-12-05T09:00:00Z), so it waits until an"
                + " operator resumes the lead.\"");
    assertThat(run("{ status: 'queued', waitsForResume: true }"))
        .isEqualTo(
            "\"Queued: the lead is paused, so it waits until an operator resumes the lead.\"");
    assertThat(run("{ status: 'queued' }")).isEqualTo("null");
  }

  @Test
  void theLeadPageTellsTheRepAndShowsThePause() throws Exception {
    String conversation =
        Files.readString(DashboardScripts.DASHBOARD_JS.resolve("lead-conversation.js"));
    assertThat(conversation)
        .contains("waitsForResumeLine(queued, fmtDateTime)")
        .contains("conversation-paused");
    String html = Files.readString(DashboardScripts.DASHBOARD_JS.getParent().resolve("index.html"));
    assertThat(html).contains("id=\"conversation-paused\"");
  }
}
