package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's approvals card (js/approvals-core.js, run in node on a .mjs copy): a held message
 * is its lead and idempotency key, its preview is an image card or a voice note only by a real
 * checksum, its SLA is overdue once passed, a decision names the message the reviewer saw (an edit
 * with its text), and a 409 for a switched-off variant is told apart from other refusals.
 */
class ApprovalsScriptTest {
  private static final String SHA = "a".repeat(64);

  @TempDir Path dir;

  private String eval(String expression) throws Exception {
    return DashboardScripts.run(
            dir,
            "approvals-core",
            "import { approvalKey, mediaKind, slaOverdue, decisionBody, decidedText, switchedOff,"
                + " decisionRequest, staleDecision, supersededHold } from './approvals-core.mjs';\n"
                + "console.log(JSON.stringify("
                + expression
                + "));\n")
        .strip();
  }

  /**
   * Two reviewers editing one held message: the decision sends the revision the card was listed at
   * as If-Match, so the second one's edit is refused (412, told apart) instead of overwriting the
   * first one's text. Before, the edit sent no revision and the last edit's text won.
   */
  @Test
  void aDecisionSendsTheRevisionItWasListedAtAsIfMatch() throws Exception {
    assertThat(
            eval(
                "decisionRequest({leadId: 'l-1', idempotencyKey: 'k-1', revision: 2}, 'edit',"
                    + " 'Hi Ana')"))
        .isEqualTo(
            "{\"method\":\"POST\",\"body\":{\"decision\":\"edit\",\"idempotencyKey\":\"k-1\","
                + "\"text\":\"Hi Ana\"},\"headers\":{\"If-Match\":\"\\\"2\\\"\"}}");
    assertThat(
            eval(
                "decisionRequest({leadId: 'l-1', idempotencyKey: 'k-1'}, 'approve').headers ==="
                    + " undefined"))
        .as("no revision listed (an older server): none sent")
        .isEqualTo("true");
    assertThat(eval("staleDecision({status: 412, data: {}})")).isEqualTo("true");
    assertThat(eval("staleDecision({status: 409, data: {}})")).isEqualTo("false");
  }

  @Test
  void aHeldMessageIsItsLeadAndItsIdempotencyKey() throws Exception {
    assertThat(eval("approvalKey({leadId: 'l-1', idempotencyKey: 'k-1'})"))
        .isEqualTo("\"l-1\\u0000k-1\"");
    // A recomposition of the same lead's message is another message (its draft is not carried).
    assertThat(
            eval(
                "approvalKey({leadId: 'l-1', idempotencyKey: 'k-1'})"
                    + " === approvalKey({leadId: 'l-1', idempotencyKey: 'k-2'})"))
        .isEqualTo("false");
  }

  @Test
  void onlyAnImageOrAVoiceNoteWithARealChecksumIsPreviewed() throws Exception {
    assertThat(eval("mediaKind({media: {sha256: '" + SHA + "', contentType: 'image/png'}})"))
        .isEqualTo("\"image\"");
    assertThat(eval("mediaKind({media: {sha256: '" + SHA + "', contentType: 'audio/ogg'}})"))
        .isEqualTo("\"audio\"");
    assertThat(eval("mediaKind({media: {sha256: '" + SHA + "', contentType: 'video/mp4'}})"))
        .isEqualTo("null");
    assertThat(eval("mediaKind({media: {sha256: '../x', contentType: 'image/png'}})"))
        .as("not a checksum: never put in a URL")
        .isEqualTo("null");
    assertThat(
            eval(
                "mediaKind({media: {sha256: '"
                    + SHA.toUpperCase()
                    + "', contentType: 'image/png'}})"))
        .isEqualTo("null");
    assertThat(eval("mediaKind({media: null})")).isEqualTo("null");
    assertThat(eval("mediaKind({})")).isEqualTo("null");
  }

  @Test
  void theSlaIsOverdueOncePassed() throws Exception {
    assertThat(eval("slaOverdue(new Date(1000), 2000)")).isEqualTo("true");
    assertThat(eval("slaOverdue(new Date(3000), 2000)")).isEqualTo("false");
    assertThat(eval("slaOverdue(null, 2000)")).isEqualTo("false");
  }

  @Test
  void aDecisionNamesTheMessageTheReviewerSaw() throws Exception {
    assertThat(eval("decisionBody({idempotencyKey: 'k-1'}, 'approve', 'ignored')"))
        .isEqualTo("{\"decision\":\"approve\",\"idempotencyKey\":\"k-1\"}");
    assertThat(eval("decisionBody({idempotencyKey: 'k-1'}, 'edit', 'Hi Ana')"))
        .isEqualTo("{\"decision\":\"edit\",\"idempotencyKey\":\"k-1\",\"text\":\"Hi Ana\"}");
    assertThat(eval("decisionBody({idempotencyKey: 'k-1'}, 'reject', 'ignored')"))
        .isEqualTo("{\"decision\":\"reject\",\"idempotencyKey\":\"k-1\"}");
    assertThat(eval("decidedText('edit', 'l-1')"))
        .isEqualTo("\"Edited and approved message for lead l-1.\"");
    assertThat(eval("decidedText('reject', 'l-1')"))
        .isEqualTo("\"Rejected message for lead l-1.\"");
  }

  @Test
  void aSwitchedOffVariantIsToldApartFromOtherRefusals() throws Exception {
    assertThat(eval("switchedOff({status: 409, data: {reason: 'variant_switched_off'}})"))
        .isEqualTo("true");
    assertThat(eval("switchedOff({status: 409, data: {reason: 'decided'}})")).isEqualTo("false");
    assertThat(eval("switchedOff({status: 422, data: {reason: 'variant_switched_off'}})"))
        .isEqualTo("false");
    assertThat(eval("switchedOff(null)")).isEqualTo("false");
  }

  /**
   * A decision (a retried click whose first answer was lost) naming a message that is not the one
   * waiting any more, the lead's next one held since: the server refuses it (409, reason
   * hold_superseded, or hold_required for a request naming none), and the card tells it apart and
   * loads the list again instead of offering the buttons of a message already decided. Before, it
   * was reported as any error, the buttons enabled again.
   */
  @Test
  void aDecisionOnAMessageNoLongerWaitingIsToldApart() throws Exception {
    assertThat(eval("supersededHold({status: 409, data: {reason: 'hold_superseded'}})"))
        .isEqualTo("true");
    assertThat(eval("supersededHold({status: 409, data: {reason: 'hold_required'}})"))
        .isEqualTo("true");
    // A send being held again, not listed yet: nothing decided, the list loaded again.
    assertThat(eval("supersededHold({status: 409, data: {reason: 'hold_not_listed'}})"))
        .isEqualTo("true");
    assertThat(eval("supersededHold({status: 409, data: {reason: 'variant_switched_off'}})"))
        .isEqualTo("false");
    assertThat(eval("supersededHold({status: 412, data: {reason: 'hold_superseded'}})"))
        .isEqualTo("false");
    assertThat(eval("supersededHold({status: 409, data: null})")).isEqualTo("false");
    assertThat(eval("supersededHold(null)")).isEqualTo("false");
  }

  @Test
  void theCardUsesTheHelpers() throws Exception {
    assertThat(Files.readString(DashboardScripts.DASHBOARD_JS.resolve("approvals.js")))
        .contains("from './approvals-core.js'")
        .contains("decisionRequest(p, decision, ta.value)")
        .contains("switchedOff(err)")
        .contains("staleDecision(err)")
        .contains("supersededHold(err)");
  }
}
