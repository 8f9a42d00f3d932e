package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disabling the last enabled variant of a segment was confirmed and toasted like any other disable,
 * though the segment's leads then wait for a variant. The kill switch's confirmation (js/
 * variant-gaps.js, run in node on a .mjs copy as {@link PausedScriptTest} does) says what the
 * disable leaves, and the variants screen counts the leads that wait.
 */
class VariantGapsScriptTest {
  @TempDir Path dir;

  private String run(String call) throws Exception {
    assertThat(DashboardScripts.DASHBOARD_JS.resolve("variant-gaps.js"))
        .as("the variant gaps' module")
        .exists();
    return DashboardScripts.run(
            dir,
            "variant-gaps",
            "import { disableConfirmText, waitingLine, stateNote, srmNote } from './variant-gaps.mjs';\n"
                + "console.log(JSON.stringify("
                + call
                + "));\n")
        .strip();
  }

  @Test
  void theConfirmationOfADisableThatLeavesASegmentWithoutAVariantSaysSo() throws Exception {
    assertThat(
            run(
                "disableConfirmText('v-cost', 2, [{segment: 'smb', problem: 'no_enabled_variant',"
                    + " liveLeads: 3, message: 'x'}, {segment: 'vp-saas', problem:"
                    + " 'pool_all_disabled', liveLeads: 0, message: 'y'}])"))
        .isEqualTo(
            "\"Disable variant v-cost? It will reach 2 in-flight leads. Warning: Segment smb is"
                + " left with no enabled variant: its new leads, and 3 live leads of it, will wait"
                + " until one is enabled. Segment vp-saas's pool has no enabled variant (all"
                + " disabled): its leads get a variant outside it. The variant is disabled anyway"
                + " if you confirm.\"");
    assertThat(run("disableConfirmText('v-cost', 2, undefined)"))
        .isEqualTo("\"Disable variant v-cost? It will reach 2 in-flight leads.\"");
  }

  @Test
  void theVariantsScreenCountsTheLeadsWaitingForAVariant() throws Exception {
    assertThat(run("waitingLine(4)"))
        .isEqualTo(
            "\"4 leads wait for a variant: their segments have no enabled prompt variant. Enable"
                + " one to let them go on.\"");
    assertThat(run("waitingLine(0)")).isEqualTo("null");
    String variants = Files.readString(DashboardScripts.DASHBOARD_JS.resolve("variants.js"));
    assertThat(variants)
        .contains("disableConfirmText(String(v.variantId), num(r && r.inFlight), r && r.warnings)")
        .contains("api('/api/variants/gaps')");
    String html = Files.readString(DashboardScripts.DASHBOARD_JS.getParent().resolve("index.html"));
    assertThat(html).contains("id=\"variants-gaps\"");
  }

  /**
   * The variants table says which figures are live: a switched-off variant's row said "disabled"
   * and nothing of its numbers, which still moved as its in-flight leads replied, nor when it went
   * off; the sample-ratio check did not say which days it read.
   */
  @Test
  void theVariantsTableSaysWhichFiguresAreLive() throws Exception {
    assertThat(
            run(
                "stateNote({enabled: false, offSince: '2026-12-06T17:02:11.5Z', awaitingOutcome:"
                    + " 12})"))
        .isEqualTo(
            "\"Switched off since 2026-12-06 17:02 UTC: not live, it takes no new leads; 12 of its"
                + " leads still await an outcome and count for it as they reply or end.\"");
    assertThat(run("stateNote({enabled: false, awaitingOutcome: 0})"))
        .isEqualTo(
            "\"Switched off: not live, it takes no new leads; its figures no longer change.\"");
    assertThat(run("stateNote({enabled: true, autoDisabled: true, awaitingOutcome: 0})"))
        .startsWith("\"Auto-disabled in this segment: not live here");
    assertThat(run("stateNote({enabled: true, awaitingOutcome: 1})"))
        .isEqualTo(
            "\"Live: it takes new leads; 1 lead await an outcome (no failures in the posterior"
                + " and P(best) until they end).\"");
    assertThat(run("srmNote({pValue: null, alarm: false, from: '2026-12-07'})"))
        .contains("from 2026-12-07 (UTC)");
    assertThat(run("srmNote({pValue: 0.5, alarm: false, from: null})")).isEqualTo("null");
    String variants = Files.readString(DashboardScripts.DASHBOARD_JS.resolve("variants.js"));
    assertThat(variants).contains("stateNote(v)").contains("srmNote(srm)");
    String html = Files.readString(DashboardScripts.DASHBOARD_JS.getParent().resolve("index.html"));
    assertThat(html).contains("id=\"srm-note\"");
  }

  /**
   * Found by the new operator's walk: on the day a variant was created the dashboard said "Sample
   * ratio checked on the assignments from 2026-12-07 (UTC)" on 2026-12-06, with no alarm, while the
   * API's {@code pValue} was null: nothing had been checked. It says it is not checked yet.
   */
  @Test
  void theSampleRatioNoteSaysNotCheckedYetBeforeItsFirstDay() throws Exception {
    assertThat(run("srmNote({pValue: null, alarm: false, from: '2026-12-07'})"))
        .isEqualTo(
            "\"Sample ratio not checked yet: the check reads the assignments from 2026-12-07 (UTC),"
                + " after a variant of this segment was last switched, created or reweighted.\"");
    assertThat(run("srmNote({pValue: 0.42, alarm: false, from: '2026-12-07'})"))
        .startsWith("\"Sample ratio checked on the assignments from 2026-12-07 (UTC)");
  }
}
