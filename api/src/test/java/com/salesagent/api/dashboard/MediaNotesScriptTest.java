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
 * The lead page's lines for media a message did not carry (js/media-notes.js), run in node on a
 * .mjs copy: a voice note that went as a template outside the window names its reason once.
 */
class MediaNotesScriptTest {
  private static final Path DASHBOARD_JS = Path.of("src/main/resources/assets/dashboard/js");

  @TempDir Path dir;

  private String run(String message) throws Exception {
    assumeTrue(nodeAvailable(), "node is not installed");
    Files.copy(
        DASHBOARD_JS.resolve("media-notes.js"),
        dir.resolve("media-notes.mjs"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path script = dir.resolve("run.mjs");
    Files.writeString(
        script,
        "import { mediaNotSentLines } from './media-notes.mjs';\n"
            + "console.log(JSON.stringify(mediaNotSentLines("
            + message
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
  void aVoiceNoteSentAsATemplateNamesItsReasonOnce() throws Exception {
    String out =
        run(
            "{ leadId: 'l1', media: { kind: 'audio', sentAs: 'not_sent', notSentBecause: 'outside"
                + " the 24 h window' }, voiceNote: { why: 'outside the 24 h window' } }");
    assertThat(out).isEqualTo("[\"the voice note did not go: outside the 24 h window\"]");
  }

  @Test
  void aVoiceNoteNeverMadeAndAnImageCardNotSentAreEachNamed() throws Exception {
    assertThat(run("{ voiceNote: { why: 'no voice id' } }"))
        .isEqualTo("[\"no voice note: no voice id\"]");
    assertThat(
            run(
                "{ media: { kind: 'image', sentAs: 'not_sent', notSentBecause: 'no header' },"
                    + " voiceNote: { why: 'no voice id' } }"))
        .isEqualTo("[\"the image card did not go: no header\",\"no voice note: no voice id\"]");
    assertThat(run("{ media: { kind: 'audio', sentAs: 'voice_note' } }")).isEqualTo("[]");
  }

  @Test
  void theLeadPageNamesMediaReasonsOnlyThroughMediaNotes() throws Exception {
    String page = Files.readString(DASHBOARD_JS.resolve("lead-page.js"));
    // The page's own copies of the lines are what showed the reason twice.
    assertThat(page).doesNotContain("'no voice note: '").doesNotContain("' did not go: '");
    assertThat(page).contains("mediaNotSentLines(m)");
  }
}
