package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Subject access screen (js/subject-access.js with js/subject-access-core.js), run in node on a
 * small stand-in for the page's DOM that refuses markup, with a stand-in fetch that records every
 * request: the number is sent in POST bodies only (no URL the page asks holds it), an export is
 * summed up per campaign and lead with its markup drawn as text, a cut-off export is refused, the
 * download is named by its time, and the erasure's confirmation names how many leads go.
 */
class SubjectAccessScriptTest {
  @TempDir Path dir;

  private static final String DOM =
      """
      class FakeNode {}
      class FakeText extends FakeNode {
        constructor(t) { super(); this.data = String(t); }
        get textContent() { return this.data; }
      }
      const created = [];
      class FakeElement extends FakeNode {
        constructor(tag) {
          super(); this.tagName = tag.toUpperCase(); this.children = []; this.attributes = {};
          this.className = ''; this.hidden = false; this.disabled = false; this.listeners = {};
          this.value = ''; this.checked = false;
        }
        appendChild(c) { this.children.push(c); return c; }
        setAttribute(k, v) { this.attributes[k] = String(v); }
        removeAttribute(k) { delete this.attributes[k]; }
        addEventListener(t, f) { this.listeners[t] = f; }
        focus() {}
        get textContent() { return this.children.map((c) => c.textContent).join(''); }
        set textContent(v) { this.children = v === '' ? [] : [new FakeText(v)]; }
        set innerHTML(v) { throw new Error('innerHTML: ' + v); }
        set outerHTML(v) { throw new Error('outerHTML: ' + v); }
        insertAdjacentHTML() { throw new Error('insertAdjacentHTML'); }
      }
      const byId = {};
      globalThis.Node = FakeNode;
      globalThis.document = {
        getElementById: (id) => byId[id] || (byId[id] = new FakeElement('div')),
        querySelector: (s) => byId[s] || (byId[s] = new FakeElement('tbody')),
        createElement: (t) => { const e = new FakeElement(t); created.push(e); return e; },
        createTextNode: (t) => new FakeText(t),
        write() { throw new Error('document.write'); }
      };
      globalThis.window = { sessionStorage: { getItem() { return null; }, setItem() {}, removeItem() {} } };
      const el = (id) => document.getElementById(id);
      const rows = (sel) => byId[sel].children.map((tr) => tr.children.map((td) => td.textContent));
      const tags = () => [...new Set(created.map((e) => e.tagName))].sort();
      const asked = [];
      const answers = [];
      globalThis.fetch = async (url, init) => {
        asked.push({ url: String(url), method: init.method, body: init.body == null ? null : String(init.body),
          auth: init.headers.Authorization });
        const a = answers.shift();
        return new Response(a.body, { status: a.status || 200, headers: { 'Content-Type': 'application/json' } });
      };
      const PHONE = '+5511998765432';
      const evil = '<img src=x onerror=alert(1)>';
      const exported = {
        generatedAt: '2026-12-06T17:00:00.123Z', generatedBy: 'dpo',
        request: { phone: PHONE, leadId: null }, numbers: [PHONE, '+551198765432'],
        leadCount: 3, truncated: false, maxLeads: 100,
        leads: [
          { leadId: 'lead-a', campaignId: 'spring', erasing: false,
            contact: { phone: PHONE, name: evil, stage: 'replied', campaignId: 'spring' },
            messages: [{}, {}, {}], feedback: [{ text: evil }], interactionHistory: [{}, {}, {}, {}],
            persona: { industry: 'retail' }, researchChunks: [{}, {}], drafts: [{}], handOff: null,
            crmLinks: { contactId: '1' }, notifications: [{}], media: [{ link: '/api/leads/lead-a/media/x' }, { note: 'expired' }] },
          { leadId: evil, campaignId: 'spring', erasing: true, contact: { stage: 'stopped' },
            messages: [], feedback: [], interactionHistory: [], persona: null, researchChunks: [], drafts: [],
            handOff: { ownerId: 'cy' }, crmLinks: null, notifications: [], media: [] },
          { leadId: 'lead-c', campaignId: 'autumn', erasing: false, contact: { stage: 'sending' },
            messages: [{}], feedback: [], interactionHistory: [], researchChunks: [], drafts: [], notifications: [], media: [] }
        ],
        suppressions: [{ number: PHONE, active: true }, { number: PHONE, active: false }],
        importRows: [{}], auditLog: [{}, {}], webhookPayloads: [],
        notIncluded: ['Temporal workflow histories ' + evil, 'Backups'], complete: true
      };
      const noPhoneDigits = () => asked.every((a) => !a.url.includes('998765432') && !a.url.includes('5511'));
      """;

  private JsonNode run(String script) throws Exception {
    String out =
        DashboardScripts.runModules(
            dir,
            List.of("util", "api", "state", "subject-access-core", "subject-access"),
            DOM + "const api = await import('./api.js'); api.setToken('t0k', false);\n" + script);
    return new ObjectMapper().readTree(out.strip());
  }

  @Test
  void theHelpersNameMissingFieldsSumUpAnExportAndNeverPutTheNumberInANameOrPath()
      throws Exception {
    JsonNode out =
        run(
            """
            const core = await import('./subject-access-core.js');
            const s = core.summarize(exported);
            console.log(JSON.stringify({
              none: core.requestBody('  ', '', 'br'),
              both: core.requestBody(' +5511998765432 ', ' lead-a ', 'br'),
              leadOnly: core.requestBody('', 'lead-a', 'br'),
              same: core.samePerson({ phone: PHONE }, { phone: PHONE }),
              changed: core.samePerson({ phone: PHONE }, { phone: PHONE, leadId: 'x' }),
              cut: core.parseExport(JSON.stringify(exported).slice(0, 200)),
              incomplete: core.parseExport(JSON.stringify(Object.assign({}, exported, { complete: undefined }))),
              campaigns: s.campaigns, leadCount: s.leadCount, first: core.leadCells(s.leads[0]),
              second: core.leadCells(s.leads[1]), held: core.heldLines(s), headline: core.headline(s),
              name: core.downloadName(exported.generatedAt),
              keep: core.confirmText(s, true), dontKeep: core.confirmText(s, false),
              nobody: core.confirmText(core.summarize({ leads: [], leadCount: 0 }), true),
              nobodyNotKept: core.confirmText(core.summarize({ leads: [], leadCount: 0 }), false),
              body: core.erasureBody({ phone: PHONE }, ' asked by email ', false),
              defaultKeep: core.erasureBody({ leadId: 'lead-a' }, '', undefined),
              erased: core.erasedRows({ leads: [{ leadId: 'lead-a', status: 'erasing' }, { leadId: 'b', status: 'gone' }],
                more: true, note: 'ask again' }),
              statusRunning: core.erasureStatus({ status: 'erasing', step: 'first pass' }),
              statusDone: core.erasureStatus({ status: 'erased', step: 'done' }),
              path: core.erasurePath('lead/a b')
            }));
            """);
    assertThat(out.at("/none/errors").findValuesAsText("field")).containsExactly("phone", "leadId");
    assertThat(out.at("/both/body").toString())
        .isEqualTo("{\"phone\":\"+5511998765432\",\"leadId\":\"lead-a\",\"region\":\"BR\"}");
    assertThat(out.at("/leadOnly/body").toString()).isEqualTo("{\"leadId\":\"lead-a\"}");
    assertThat(out.get("same").asBoolean()).isTrue();
    assertThat(out.get("changed").asBoolean()).isFalse();
    assertThat(out.at("/cut/error").asText()).contains("cut off");
    assertThat(out.at("/cut/doc").isMissingNode()).isTrue();
    assertThat(out.at("/incomplete/error").asText()).contains("not complete");
    assertThat(out.get("campaigns").toString())
        .isEqualTo(
            "[{\"campaignId\":\"autumn\",\"leads\":1},{\"campaignId\":\"spring\",\"leads\":2}]");
    assertThat(out.get("first").toString())
        .isEqualTo(
            "[\"lead-a\",\"spring\",\"replied\",\"3\",\"1\",\"4\",\"2\",\"1\",\"1\",\"2\","
                + "\"persona, HubSpot ids\"]");
    assertThat(out.at("/second/2").asText()).isEqualTo("being erased");
    assertThat(out.get("held").toString())
        .contains("2 suppressions of their numbers (1 active)")
        .contains("1 import row")
        .contains("2 audit log entries")
        .contains("0 raw WhatsApp payloads");
    assertThat(out.get("headline").asText()).isEqualTo("3 leads in 2 campaigns, 2 numbers.");
    assertThat(out.get("name").asText()).isEqualTo("subject-access-2026-12-06T17-00-00Z.json");
    assertThat(out.get("keep").asText())
        .startsWith("Erase 3 leads of this person (autumn: 1, spring: 2)?")
        .contains("do-not-contact list");
    assertThat(out.get("dontKeep").asText()).contains("NOT suppressed");
    assertThat(out.get("nobody").asText())
        .startsWith("No lead holds this person")
        .contains("nothing is deleted")
        .contains("go on the do-not-contact list");
    assertThat(out.get("nobodyNotKept").asText())
        .startsWith("No lead holds this person")
        .contains("nothing is deleted or suppressed")
        .contains("NOT suppressed")
        .doesNotContain("go on the do-not-contact list");
    assertThat(out.get("body").toString())
        .isEqualTo(
            "{\"phone\":\"+5511998765432\",\"reason\":\"asked by email\",\"keepSuppressed\":false}");
    assertThat(out.at("/defaultKeep/keepSuppressed").asBoolean()).isTrue();
    assertThat(out.at("/erased/rows").toString())
        .isEqualTo("[[\"lead-a\",\"erasing\"],[\"b\",\"gone\"]]");
    assertThat(out.at("/erased/more").asBoolean()).isTrue();
    assertThat(out.get("statusRunning").asText()).isEqualTo("erasing (first pass)");
    assertThat(out.get("statusDone").asText()).isEqualTo("erased");
    assertThat(out.get("path").asText()).isEqualTo("/api/leads/lead%2Fa%20b/erasure");
  }

  @Test
  void aLookUpAndAnErasureSendTheNumberInBodiesOnlyAndDrawMarkupAsText() throws Exception {
    JsonNode out =
        run(
            """
            const screen = await import('./subject-access.js');
            el('sa-phone').value = ' ' + PHONE + ' ';
            answers.push({ body: JSON.stringify(exported) });
            await screen.lookUp();
            const lookedUp = {
              error: el('sa-error').textContent, hidden: el('sa-result').hidden,
              headline: el('sa-headline').textContent, leads: rows('#sa-leads tbody'),
              campaigns: rows('#sa-campaigns tbody'), held: el('sa-held').children.map((li) => li.textContent),
              notIncluded: el('sa-not-included-list').children.map((li) => li.textContent),
              download: el('sa-download').attributes.download, href: String(el('sa-download').attributes.href),
              downloadHidden: el('sa-download').hidden
            };
            screen.openErase();
            const confirm = el('sa-confirm-text').textContent;
            el('sa-keep-false').checked = true; el('sa-keep-true').checked = false;
            screen.updateConfirm();
            const confirmFalse = el('sa-confirm-text').textContent;
            el('sa-reason').value = '';
            await screen.erase();
            const noReason = { error: el('sa-erase-error').textContent, asked: asked.length };
            el('sa-reason').value = 'asked by email';
            answers.push({ status: 202, body: JSON.stringify({ leads: [
              { leadId: 'lead-a', status: 'erasing' }, { leadId: evil, status: 'erasing already' },
              { leadId: 'lead-c', status: 'gone' }], leadCount: 3, more: false, note: 'every lead' }) });
            await screen.erase();
            const erased = rows('#sa-erased-table tbody');
            answers.push({ body: JSON.stringify({ status: 'erasing', step: 'first pass' }) });
            answers.push({ body: JSON.stringify({ status: 'erased', step: 'done' }) });
            answers.push({ status: 404, body: JSON.stringify({ message: 'no erasure' }) });
            await screen.refreshStatuses();
            const refreshed = rows('#sa-erased-table tbody');
            screen.clearSubjectAccess();
            console.log(JSON.stringify({ lookedUp, confirm, confirmFalse, noReason, erased, refreshed,
              asked, noPhoneDigits: noPhoneDigits(), tags: tags(),
              cleared: { phone: el('sa-phone').value, result: el('sa-result').hidden,
                download: el('sa-download').attributes.href === undefined } }));
            """);
    JsonNode asked = out.get("asked");
    assertThat(out.get("noPhoneDigits").asBoolean()).as(asked.toString()).isTrue();
    assertThat(asked.get(0).get("url").asText()).isEqualTo("/api/subject-access");
    assertThat(asked.get(0).get("method").asText()).isEqualTo("POST");
    assertThat(asked.get(0).get("body").asText()).isEqualTo("{\"phone\":\"+5511998765432\"}");
    assertThat(asked.get(0).get("auth").asText()).isEqualTo("Bearer t0k");
    JsonNode lookedUp = out.get("lookedUp");
    assertThat(lookedUp.get("error").asText()).isEmpty();
    assertThat(lookedUp.get("hidden").asBoolean()).isFalse();
    assertThat(lookedUp.get("headline").asText()).isEqualTo("3 leads in 2 campaigns, 2 numbers.");
    assertThat(lookedUp.at("/leads/1/0").asText()).isEqualTo("<img src=x onerror=alert(1)>");
    assertThat(lookedUp.at("/campaigns").toString())
        .isEqualTo("[[\"autumn\",\"1\"],[\"spring\",\"2\"]]");
    assertThat(lookedUp.at("/notIncluded/0").asText()).endsWith("<img src=x onerror=alert(1)>");
    assertThat(lookedUp.get("download").asText())
        .isEqualTo("subject-access-2026-12-06T17-00-00Z.json");
    assertThat(lookedUp.get("href").asText()).startsWith("blob:");
    assertThat(lookedUp.get("downloadHidden").asBoolean()).isFalse();

    assertThat(out.get("confirm").asText()).startsWith("Erase 3 leads of this person");
    assertThat(out.get("confirmFalse").asText()).contains("NOT suppressed");
    assertThat(out.at("/noReason/error").asText()).contains("reason");
    assertThat(out.at("/noReason/asked").asInt()).as("nothing sent without a reason").isEqualTo(1);
    assertThat(asked.get(1).get("url").asText()).isEqualTo("/api/subject-access/erasure");
    assertThat(asked.get(1).get("body").asText())
        .isEqualTo(
            "{\"phone\":\"+5511998765432\",\"reason\":\"asked by email\",\"keepSuppressed\":false}");
    assertThat(out.get("erased").toString())
        .isEqualTo(
            "[[\"lead-a\",\"erasing\"],[\"<img src=x onerror=alert(1)>\",\"erasing already\"],"
                + "[\"lead-c\",\"gone\"]]");
    assertThat(asked.get(2).get("url").asText()).isEqualTo("/api/leads/lead-a/erasure");
    assertThat(asked.get(3).get("url").asText())
        .isEqualTo("/api/leads/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/erasure");
    assertThat(out.get("refreshed").toString())
        .isEqualTo(
            "[[\"lead-a\",\"erasing (first pass)\"],[\"<img src=x onerror=alert(1)>\",\"erased\"],"
                + "[\"lead-c\",\"no erasure found\"]]");
    assertThat(out.get("tags").toString()).doesNotContain("SCRIPT").doesNotContain("IMG");
    assertThat(out.at("/cleared/phone").asText()).isEmpty();
    assertThat(out.at("/cleared/result").asBoolean()).isTrue();
    assertThat(out.at("/cleared/download").asBoolean()).isTrue();
  }

  @Test
  void anExportCutOffMidwayIsNotShownNorOfferedAndAChangedFormIsNotErased() throws Exception {
    JsonNode out =
        run(
            """
            const screen = await import('./subject-access.js');
            el('sa-phone').value = PHONE;
            answers.push({ body: JSON.stringify(exported).slice(0, 300) });
            await screen.lookUp();
            const cut = { error: el('sa-error').textContent, hidden: el('sa-result').hidden,
              download: el('sa-download').attributes.href === undefined };
            answers.push({ body: JSON.stringify(exported) });
            await screen.lookUp();
            el('sa-phone').value = '+5511912345678';
            screen.openErase();
            const changed = { error: el('sa-error').textContent, panel: el('sa-erase-panel').hidden };
            el('sa-phone').value = '';
            await screen.lookUp();
            const none = el('sa-error').textContent;
            console.log(JSON.stringify({ cut, changed, none, count: asked.length }));
            """);
    assertThat(out.at("/cut/error").asText()).contains("cut off");
    assertThat(out.at("/cut/hidden").asBoolean()).isTrue();
    assertThat(out.at("/cut/download").asBoolean()).isTrue();
    assertThat(out.at("/changed/error").asText()).contains("look the person up again");
    assertThat(out.at("/changed/panel").asBoolean()).isTrue();
    assertThat(out.get("none").asText()).contains("phone").contains("leadId");
    assertThat(out.get("count").asInt()).isEqualTo(2);
  }
}
