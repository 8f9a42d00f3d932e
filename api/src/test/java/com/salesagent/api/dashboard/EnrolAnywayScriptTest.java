package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lead page's "Start a new conversation" refused 409 {@code recently_contacted} (the number's
 * cold opener lately, never answered) only showed the refusal: the API's {@code ?recontact=true}
 * had no way in from the dashboard (found by the QA walk). The refusal's message is shown with an
 * explicit "Enrol anyway", which asks a confirm naming why it was refused and only then enrols
 * again with {@code ?recontact=true}; never by itself. The lead page's own modules
 * (js/lead-actions.js, util.js, api.js, recontact.js) run in node on a fake DOM and a fake fetch.
 */
class EnrolAnywayScriptTest {
  @TempDir Path dir;

  private static final String FAKE_DOM =
      """
      class Node {}
      class Text extends Node { constructor(t) { super(); this.textContent = String(t); } }
      class El extends Node {
        constructor(tag) { super(); this.tagName = tag.toUpperCase(); this.childNodes = [];
          this.listeners = {}; this.textContent = ''; this.className = ''; this.disabled = false;
          this.title = ''; this.id = ''; }
        get children() { return this.childNodes.filter((c) => c instanceof El); }
        appendChild(c) { this.childNodes.push(c); return c; }
        removeChild(c) { this.childNodes = this.childNodes.filter((x) => x !== c); return c; }
        setAttribute(k, v) { if (k === 'id') this.id = v; }
        addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); }
        click() { if (!this.disabled) (this.listeners.click || []).forEach((f) => f({})); }
        querySelectorAll() { return []; }
        get text() { return this.textContent + this.childNodes.map((c) => c instanceof El ? c.text : c.textContent).join(''); }
      }
      const toastEl = new El('div');
      globalThis.Node = Node;
      globalThis.document = { createElement: (t) => new El(t), createTextNode: (t) => new Text(t),
        getElementById: (id) => (id === 'toast' ? toastEl : null) };
      globalThis.setTimeout = () => 0;
      globalThis.clearTimeout = () => {};
      export const asked = [];
      export const calls = [];
      export const answers = [];
      export const state = { confirm: false, toast: toastEl };
      globalThis.window = { confirm: (q) => { asked.push(q); return state.confirm; }, location: { hash: '' },
        sessionStorage: { getItem: () => null, setItem: () => {}, removeItem: () => {} } };
      globalThis.fetch = (path, init) => {
        calls.push(init.method + ' ' + path);
        const a = answers.shift();
        return Promise.resolve({ status: a.status, ok: a.status < 300, statusText: '',
          text: () => Promise.resolve(JSON.stringify(a.body)) });
      };
      export function find(el, id) {
        if (el.id === id) return el;
        for (const c of el.children) { const f = find(c, id); if (f) return f; }
        return null;
      }
      export const flush = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };
      """;

  private static final String REFUSAL =
      "{ status: 409, body: { code: 409, message: 'a cold opener reached this number, went to it"
          + " or is on its way to it within RECONTACT_AFTER (lead L-0) and it never answered: no"
          + " new lead may message it before 2026-12-20T10:00:00Z, unless an operator enrols it"
          + " with recontact=true', errors: [{ field: 'phone', message: 'recently contacted' }],"
          + " status: 'recently_contacted', leadId: 'L-1.again1', earlierLeadId: 'L-0', retryAt:"
          + " '2026-12-20T10:00:00Z' } }";

  private JsonNode run() throws Exception {
    assumeTrue(node(), "node is not installed");
    for (String module : List.of("util", "api", "lead-actions", "recontact")) {
      Path js = DashboardScripts.DASHBOARD_JS.resolve(module + ".js");
      if (Files.exists(js)) {
        Files.copy(js, dir.resolve(module + ".js"));
      }
    }
    Files.writeString(dir.resolve("package.json"), "{\"type\": \"module\"}");
    Files.writeString(dir.resolve("dom.js"), FAKE_DOM);
    Files.writeString(
        dir.resolve("run.js"),
        """
        import { asked, calls, answers, state, find, flush } from './dom.js';
        import { setToken } from './api.js';
        import { againControls } from './lead-actions.js';
        setToken('t', false);
        const out = {};
        const box = againControls({ stage: 'no_response' }, 'L-1', ['no_response']);
        answers.push(%s);
        find(box, 'enrol-again').click();
        await flush();
        const refused = find(box, 'enrol-again-refused');
        out.refused = refused ? refused.text : null;
        out.afterRefusal = calls.slice();
        out.askedAfterRefusal = asked.length;
        const anyway = find(box, 'enrol-anyway');
        out.anyway = anyway ? anyway.text : null;
        if (anyway) {
          state.confirm = false;
          anyway.click();
          await flush();
          out.afterCancel = calls.slice();
          state.confirm = true;
          answers.push({ status: 202, body: { leadId: 'L-1.again1', status: 'enrolled' } });
          anyway.click();
          await flush();
        }
        out.calls = calls.slice();
        out.asked = asked.slice();
        out.hash = window.location.hash;
        // Any other refusal is reported as before, with no override offered.
        const other = againControls({ stage: 'no_response' }, 'L-2', ['no_response']);
        answers.push({ status: 409, body: { code: 409, message: 'suppressed', errors: [{ field: 'phone', message: 'suppressed: opt_out' }] } });
        find(other, 'enrol-again').click();
        await flush();
        out.otherAnyway = find(other, 'enrol-anyway') !== null;
        out.otherToast = state.toast.textContent;
        console.log(JSON.stringify(out));
        """
            .formatted(REFUSAL));
    Process p =
        new ProcessBuilder("node", dir.resolve("run.js").toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return new ObjectMapper().readTree(out.strip());
  }

  @Test
  void aRecentlyContactedRefusalOffersAConfirmedEnrolAnyway() throws Exception {
    JsonNode out = run();
    assertThat(out.get("afterRefusal").toString())
        .isEqualTo("[\"POST /api/leads/L-1/enrol-again\"]");
    assertThat(out.get("refused").asText())
        .as("the refusal's own message, with the override beside it")
        .contains("RECONTACT_AFTER (lead L-0)")
        .contains("Enrol anyway");
    assertThat(out.get("anyway").asText()).isEqualTo("Enrol anyway");
    assertThat(out.get("askedAfterRefusal").asInt()).as("nothing asked or sent by itself").isZero();
    assertThat(out.get("afterCancel").toString())
        .as("a cancelled confirm sends nothing")
        .isEqualTo("[\"POST /api/leads/L-1/enrol-again\"]");
    assertThat(out.get("calls").toString())
        .isEqualTo(
            "[\"POST /api/leads/L-1/enrol-again\",\"POST /api/leads/L-1/enrol-again?recontact=true\"]");
    assertThat(out.get("asked")).hasSize(2);
    assertThat(out.get("asked").get(0).asText())
        .contains("recently contacted")
        .contains("lead L-0")
        .contains("never answered")
        .contains("Enrol it anyway?");
    assertThat(out.get("hash").asText()).isEqualTo("#/lead/L-1.again1");
    assertThat(out.get("otherAnyway").asBoolean()).isFalse();
    assertThat(out.get("otherToast").asText()).contains("suppressed");
  }

  private static boolean node() {
    try {
      return new ProcessBuilder("node", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }
}
