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
            "import { disableConfirmText, waitingLine } from './variant-gaps.mjs';\n"
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
}
