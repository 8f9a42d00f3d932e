package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hand-offs queue's "Give back to the agent" (js/handoff-release.js, run in node on a .mjs
 * copy): which rows offer it (as the server's release decides), the request's body (the row's rep
 * asks; the reason trimmed, none when blank, a too long one stopped before sending), and how a
 * refusal reads (the server's JSON body: its message and the fields it names).
 */
class HandOffReleaseScriptTest {
  @TempDir Path dir;

  private String eval(String expression) throws Exception {
    return DashboardScripts.run(
            dir,
            "handoff-release",
            "import { canRelease, releaseBody, releaseFailure, seenMessage, staleRow, MAX_REASON }"
                + " from './handoff-release.mjs';\n"
                + "console.log(JSON.stringify("
                + expression
                + "));\n")
        .strip();
  }

  @Test
  void onlyAHeldLeadThatShowedInterestAndIsNotBookedOffersIt() throws Exception {
    assertThat(eval("canRelease({ownerId: 'ana', stage: 'handed_off', interestShown: true})"))
        .isEqualTo("true");
    assertThat(eval("canRelease({ownerId: 'ana', stage: 'in_conversation', interestShown: true})"))
        .isEqualTo("true");
    // Paused from a stage that may go back: the held stage decides, not "paused".
    assertThat(
            eval(
                "canRelease({ownerId: 'ana', stage: 'paused', heldStage: 'in_conversation',"
                    + " interestShown: true})"))
        .isEqualTo("true");
    assertThat(
            eval(
                "canRelease({ownerId: 'ana', stage: 'paused', heldStage: 'meeting_booked',"
                    + " interestShown: true})"))
        .isEqualTo("false");
    assertThat(eval("canRelease({ownerId: 'ana', stage: 'meeting_booked', interestShown: true})"))
        .as("a booked meeting stays with its rep")
        .isEqualTo("false");
    assertThat(eval("canRelease({ownerId: 'ana', stage: 'handed_off', interestShown: false})"))
        .as("a question or an objection needs a person")
        .isEqualTo("false");
    assertThat(eval("canRelease({ownerId: 'ana', stage: 'handed_off'})")).isEqualTo("false");
    assertThat(eval("canRelease({ownerId: null, stage: 'interested', interestShown: true})"))
        .as("unassigned: nobody to give it back")
        .isEqualTo("false");
    assertThat(eval("canRelease(null)")).isEqualTo("false");
  }

  @Test
  void theRowsRepAsksWithTheReasonTrimmed() throws Exception {
    assertThat(eval("releaseBody({ownerId: 'ana'}, '  not before Q2 ')"))
        .isEqualTo("{\"byOwnerId\":\"ana\",\"reason\":\"not before Q2\"}");
    assertThat(eval("releaseBody({ownerId: 'ana'}, '   ')")).isEqualTo("{\"byOwnerId\":\"ana\"}");
    assertThat(eval("releaseBody({ownerId: 'ana'}, undefined)"))
        .isEqualTo("{\"byOwnerId\":\"ana\"}");
    assertThat(eval("releaseBody({ownerId: 'ana'}, 'x'.repeat(MAX_REASON))"))
        .contains("\"reason\":\"xxx");
    assertThat(eval("releaseBody({ownerId: 'ana'}, 'x'.repeat(MAX_REASON + 1))")).isEqualTo("null");
    assertThat(eval("MAX_REASON")).isEqualTo("200");
  }

  /**
   * The release names the newest lead message the queue showed (seenMessageId): before, the queue's
   * button sent none and the server took the lead's newest stored message, one the rep may never
   * have seen (it came after the queue loaded), so its interest stayed released with the lead.
   */
  @Test
  void theReleaseNamesTheNewestLeadMessageTheQueueShowed() throws Exception {
    assertThat(eval("releaseBody({ownerId: 'ana'}, '', 'wamid.in-2')"))
        .isEqualTo("{\"byOwnerId\":\"ana\",\"seenMessageId\":\"wamid.in-2\"}");
    assertThat(eval("releaseBody({ownerId: 'ana'}, ' later ', null)"))
        .isEqualTo("{\"byOwnerId\":\"ana\",\"reason\":\"later\"}");

    String row =
        "{ownerId: 'ana', lastReply: {messageId: 'wamid.in-2', at: '2026-12-05T09:59:00Z'}}";
    assertThat(eval("seenMessage(" + row + ")")).isEqualTo("\"wamid.in-2\"");
    // The conversation opened under the row shows a newer message of the lead: that one.
    String newer =
        "[{from: 'lead', messageId: 'wamid.in-2', at: '2026-12-05T09:59:00Z'},"
            + " {from: 'agent', at: '2026-12-05T09:59:30Z'},"
            + " {from: 'lead', messageId: 'wamid.in-3', at: '2026-12-05T10:00:00Z'},"
            + " {from: 'person', by: 'Ana', at: '2026-12-05T10:00:01Z'}]";
    assertThat(eval("seenMessage(" + row + ", " + newer + ")")).isEqualTo("\"wamid.in-3\"");
    // A conversation loaded before the queue was loaded again: the row's reply is newer.
    String older = "[{from: 'lead', messageId: 'wamid.in-1', at: '2026-12-05T09:50:00Z'}]";
    assertThat(eval("seenMessage(" + row + ", " + older + ")")).isEqualTo("\"wamid.in-2\"");
    assertThat(eval("seenMessage({ownerId: 'ana'}, " + older + ")")).isEqualTo("\"wamid.in-1\"");
    assertThat(eval("seenMessage({ownerId: 'ana', lastReply: {text: 'hi'}}, [])"))
        .isEqualTo("null");
    assertThat(eval("seenMessage({ownerId: 'ana'}, [{from: 'agent', at: 'x'}])")).isEqualTo("null");
  }

  /** The reason's cap counts code points as the server's does: 200 emoji were stopped. */
  @Test
  void theReasonsCapCountsCodePoints() throws Exception {
    assertThat(eval("releaseBody({ownerId: 'ana'}, '\\u{1F680}'.repeat(MAX_REASON)).reason.length"))
        .isEqualTo("400");
    assertThat(eval("releaseBody({ownerId: 'ana'}, '\\u{1F680}'.repeat(MAX_REASON + 1))"))
        .isEqualTo("null");
  }

  @Test
  void aRefusalSaysTheServersWordsAndA409ReloadsTheRow() throws Exception {
    String conflict =
        "Object.assign(new Error('409 Conflict'), {status: 409, data: {message: 'a booked meeting"
            + " stays with its rep: set the lead\\'s outcome or reassign it', errors: [{field:"
            + " 'leadId', message: 'stage meeting_booked'}]}})";
    assertThat(eval("releaseFailure(" + conflict + ", 'Hana')"))
        .isEqualTo(
            "\"Not given back: Hana: a booked meeting stays with its rep: set the lead's outcome"
                + " or reassign it: leadId: stage meeting_booked\"");
    assertThat(eval("staleRow(" + conflict + ")")).isEqualTo("true");
    String invalid =
        "Object.assign(new Error('x'), {status: 422, data: {message: 'invalid release', errors:"
            + " [{field: 'reason', message: 'at most 200 characters'}]}})";
    assertThat(eval("releaseFailure(" + invalid + ", 'Hana')"))
        .isEqualTo("\"Not given back: Hana: invalid release: reason: at most 200 characters\"");
    assertThat(eval("staleRow(" + invalid + ")")).isEqualTo("false");
    // No JSON body (a proxy's 502): the error's own message.
    assertThat(eval("releaseFailure(Object.assign(new Error('502 Bad Gateway'), {status: 502}))"))
        .isEqualTo("\"Not given back: 502 Bad Gateway\"");
  }

  @Test
  void theQueueRowsHaveTheButton() throws Exception {
    assertThat(Files.readString(DashboardScripts.DASHBOARD_JS.resolve("handoffs.js")))
        .contains("from './handoff-release.js'")
        .contains("canRelease(r)")
        .contains("'/handoff/release'")
        .contains("'data-release'")
        .contains("releaseBody(row, reason, seenMessage(row, shownConversations.get(")
        .contains("shownConversations.set(String(row.leadId), said)");
  }
}
