package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Do not contact screen (js/suppressions.js with js/suppressions-core.js), run in node on a
 * small stand-in for the page's DOM that refuses markup (innerHTML & co. throw): a list page and an
 * upload's answer whose numbers, sources, details and values are markup are drawn as text, in
 * elements of the screen's own kinds only, and the paths and bodies sent are the API's.
 */
class SuppressionsScriptTest {
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
        }
        appendChild(c) { this.children.push(c); return c; }
        setAttribute(k, v) { this.attributes[k] = String(v); }
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
      const rows = (sel) => byId[sel].children.map((tr) => tr.children.map((td) => td.textContent));
      const tags = () => [...new Set(created.map((e) => e.tagName))].sort();
      const handlers = () => created.flatMap((e) => Object.keys(e.attributes)).filter((k) => /^on/i.test(k));
      """;

  private JsonNode run(String script) throws Exception {
    String out =
        DashboardScripts.runModules(
            dir,
            List.of("util", "api", "state", "suppressions-core", "suppressions"),
            DOM + script);
    return new ObjectMapper().readTree(out.strip());
  }

  @Test
  void aListPageOfMarkupIsDrawnAsTextAndItsLiftOpensForThatNumber() throws Exception {
    JsonNode out =
        run(
            """
            const screen = await import('./suppressions.js');
            const evil = '<img src=x onerror=alert(1)>';
            screen.renderList({ total: 2, suppressions: [
              { number: evil, active: true, source: '"><script>alert(2)</script>', at: '2026-12-01T10:00:00Z',
                detail: '<b onmouseover=alert(3)>asked</b>' },
              { number: '+15005550199', active: false, source: 'import', at: '2026-12-01T10:00:00Z',
                detail: 'list', lifted: { by: '<i>ops</i>', at: '2026-12-02T10:00:00Z',
                  consent: { source: '<u>form</u>', at: '2026-12-02T09:00:00Z' } } }
            ] });
            const table = rows('#dnc-table tbody');
            const lift = byId['#dnc-table tbody'].children[0].children[6].children[0];
            lift.listeners.click();
            console.log(JSON.stringify({ table, tags: tags(), handlers: handlers(),
              liftButtons: byId['#dnc-table tbody'].children.map((tr) => tr.children[6].children.length),
              lifting: byId['dnc-lift-number'].textContent, liftShown: !byId['dnc-lift'].hidden,
              info: byId['dnc-page-info'].textContent }));
            """);
    JsonNode first = out.path("table").get(0);
    assertThat(first.get(0).asText()).isEqualTo("<img src=x onerror=alert(1)>");
    assertThat(first.get(1).asText()).isEqualTo("active");
    assertThat(first.get(2).asText()).isEqualTo("\"><script>alert(2)</script>");
    assertThat(first.get(3).asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    assertThat(first.get(4).asText()).isEqualTo("<b onmouseover=alert(3)>asked</b>");
    assertThat(first.get(5).asText()).isEqualTo("–");
    JsonNode second = out.path("table").get(1);
    assertThat(second.get(1).asText()).isEqualTo("lifted");
    assertThat(second.get(5).asText()).contains("by <i>ops</i>").contains("consent: <u>form</u>");
    assertThat(out.path("tags").toString())
        .as("only the screen's own elements, none from the data")
        .isEqualTo("[\"BUTTON\",\"TD\",\"TR\"]");
    assertThat(out.path("handlers")).isEmpty();
    assertThat(out.path("liftButtons").toString())
        .as("only an active one is lifted")
        .isEqualTo("[1,0]");
    assertThat(out.path("lifting").asText()).isEqualTo("<img src=x onerror=alert(1)>");
    assertThat(out.path("liftShown").asBoolean()).isTrue();
    assertThat(out.path("info").asText()).isEqualTo("page 1 of 1 · 2 numbers");
  }

  @Test
  void anUploadsSummaryAndItsInvalidLinesAreDrawnAsText() throws Exception {
    JsonNode out =
        run(
            """
            const screen = await import('./suppressions.js');
            screen.renderUpload({
              summary: { lines: 4, suppressed: 1, alreadySuppressed: 1, invalid: 2, leadsTold: 1, column: '<Phone>' },
              results: [
                { line: 2, number: '+15005550101', status: 'suppressed' },
                { line: 3, status: 'invalid', value: '<svg onload=alert(1)>', errors: [{ field: 'number', message: 'not a valid phone number' }] },
                { line: 4, number: '+15005550101', status: 'already_suppressed', duplicateOf: 2 },
                { line: 5, status: 'invalid', errors: [{ field: 'region', message: '<b>ZZ</b>' }] }
              ] });
            screen.showError('dnc-upload-error', { message: 'x', data: { message: '<h1>no</h1>',
              errors: [{ field: '<i>number</i>', message: '<img src=x>' }] } });
            console.log(JSON.stringify({ summary: byId['dnc-upload-summary'].textContent,
              invalid: rows('#dnc-upload-invalid-table tbody'), count: byId['dnc-upload-invalid-count'].textContent,
              shown: !byId['dnc-upload-invalid'].hidden, error: byId['dnc-upload-error'].textContent,
              tags: tags(), handlers: handlers() }));
            """);
    assertThat(out.path("summary").asText())
        .isEqualTo(
            "4 line(s): 1 suppressed, 1 already suppressed, 2 invalid; 1 live lead(s) ended"
                + " (numbers read from the column <Phone>).");
    assertThat(out.path("invalid").toString())
        .isEqualTo(
            "[[\"3\",\"<svg onload=alert(1)>\",\"number\",\"not a valid phone number\"],"
                + "[\"5\",\"–\",\"region\",\"<b>ZZ</b>\"]]");
    assertThat(out.path("count").asText()).isEqualTo("2");
    assertThat(out.path("shown").asBoolean()).isTrue();
    assertThat(out.path("error").asText()).isEqualTo("<h1>no</h1><i>number</i>: <img src=x>");
    assertThat(out.path("tags").toString())
        .isEqualTo("[\"LI\",\"P\",\"STRONG\",\"TD\",\"TR\",\"UL\"]");
    assertThat(out.path("handlers")).isEmpty();
  }

  @Test
  void thePathsAndTheLiftBodyAreTheApis() throws Exception {
    JsonNode out =
        run(
            """
            const core = await import('./suppressions-core.js');
            console.log(JSON.stringify({
              list: core.listPath('false', 2, 25), listBad: core.listPath('<x>', -1, 25),
              upload: core.uploadPath({ region: ' br ', column: 'Phone Number', reason: 'a&b=c' }),
              bare: core.uploadPath({}),
              types: [core.uploadType('dnc.csv', ''), core.uploadType('dnc.jsonl', ''),
                core.uploadType('dnc.json', 'application/json'), core.uploadType('x.txt', 'text/plain')],
              lift: core.liftBody(' web form ', '2026-12-01T10:00', ''),
              liftNoTime: core.liftBody('form', '', 'consented')
            }));
            """);
    assertThat(out.path("list").asText())
        .isEqualTo("/api/suppressions?active=false&page=2&pageSize=25");
    assertThat(out.path("listBad").asText())
        .isEqualTo("/api/suppressions?active=true&page=0&pageSize=25");
    assertThat(out.path("upload").asText())
        .isEqualTo("/api/suppressions/import?region=br&column=Phone%20Number&reason=a%26b%3Dc");
    assertThat(out.path("bare").asText()).isEqualTo("/api/suppressions/import");
    assertThat(out.path("types").toString())
        .isEqualTo("[\"text/csv\",\"application/x-ndjson\",\"application/json\",\"text/csv\"]");
    assertThat(out.path("lift").path("consent").path("source").asText()).isEqualTo("web form");
    assertThat(out.path("lift").path("consent").path("at").asText()).endsWith("Z");
    assertThat(out.path("lift").has("reason")).isFalse();
    assertThat(out.path("liftNoTime").path("consent").path("at").asText())
        .as("no time: sent as is, for the API to name consent.at")
        .isEmpty();
    assertThat(out.path("liftNoTime").path("reason").asText()).isEqualTo("consented");
  }
}
