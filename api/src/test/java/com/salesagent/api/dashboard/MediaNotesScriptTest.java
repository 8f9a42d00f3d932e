package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lead page's lines for media a message did not carry (js/media-notes.js), run in node on a
 * .mjs copy: a voice note that went as a template outside the window names its reason once.
 */
class MediaNotesScriptTest {
  @TempDir Path dir;

  private String run(String message) throws Exception {
    return DashboardScripts.run(
            dir,
            "media-notes",
            "import { mediaNotSentLines } from './media-notes.mjs';\n"
                + "console.log(JSON.stringify(mediaNotSentLines("
                + message
                + ")));\n")
        .strip();
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
    String page = Files.readString(DashboardScripts.DASHBOARD_JS.resolve("lead-page.js"));
    // The page's own copies of the lines are what showed the reason twice.
    assertThat(page).doesNotContain("'no voice note: '").doesNotContain("' did not go: '");
    assertThat(page).contains("mediaNotSentLines(m)");
  }
}
