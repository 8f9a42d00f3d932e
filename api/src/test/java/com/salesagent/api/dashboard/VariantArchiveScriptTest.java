package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The variants screen's Archive and Unarchive (js/variant-gaps.js and js/api.js, run in node):
 * before, they sent no If-Match, so an archive decided on what an old screen showed went through
 * after another operator's change. Now the request carries the row's revision as a strong tag, the
 * API client sends it (never in place of the token), and a 412 reaches the operator as any refusal
 * does: its message and the field it names.
 */
class VariantArchiveScriptTest {
  @TempDir Path dir;

  @Test
  void archiveAndUnarchiveSendTheRevisionTheRowShowedAsIfMatch() throws Exception {
    String out =
        DashboardScripts.runModules(
                dir,
                List.of("util", "variant-gaps"),
                "import { variantActionRequest } from './variant-gaps.js';\n"
                    + "const show = (a) => console.log(JSON.stringify(variantActionRequest(a)));\n"
                    + "show({variantId: 'v 1', action: 'archive', revision: 3});\n"
                    + "show({variantId: 'v-2', action: 'unarchive', revision: 0});\n"
                    + "show({variantId: 'v-3', action: 'disable', revision: 4});\n"
                    + "show({variantId: 'v-4', action: 'archive'});\n")
            .strip();
    assertThat(out.lines().toList())
        .containsExactly(
            "{\"path\":\"/api/variants/v%201/archive\",\"options\":{\"method\":\"POST\","
                + "\"headers\":{\"If-Match\":\"\\\"3\\\"\"}}}",
            "{\"path\":\"/api/variants/v-2/unarchive\",\"options\":{\"method\":\"POST\","
                + "\"headers\":{\"If-Match\":\"\\\"0\\\"\"}}}",
            // Enable and disable are not edits of a revision: no If-Match.
            "{\"path\":\"/api/variants/v-3/disable\",\"options\":{\"method\":\"POST\"}}",
            // A row without a revision (an older server): no If-Match rather than a wrong one.
            "{\"path\":\"/api/variants/v-4/archive\",\"options\":{\"method\":\"POST\"}}");
  }

  @Test
  void theClientSendsTheIfMatchAndAStaleOneReadsAsTheServersRefusal() throws Exception {
    String out =
        DashboardScripts.runModules(
                dir,
                List.of("util", "api", "variant-gaps"),
                """
                import { api, setToken } from './api.js';
                import { variantActionRequest } from './variant-gaps.js';
                const sent = [];
                globalThis.fetch = (path, init) => {
                  sent.push({ path, headers: init.headers, method: init.method });
                  const body = JSON.stringify({ code: 412,
                    message: 'the variant was changed since it was read: load it again and redo the edit',
                    errors: [{ field: 'If-Match', message: 'read at revision 3; the variant is at revision 4' }] });
                  return Promise.resolve({ ok: false, status: 412, statusText: 'Precondition Failed',
                    text: () => Promise.resolve(body) });
                };
                setToken('the-token', false);
                const r = variantActionRequest({ variantId: 'v-1', action: 'archive', revision: 3 });
                r.options.headers.Authorization = 'Bearer forged';
                api(r.path, r.options).then(
                  () => console.log('resolved'),
                  (e) => {
                    console.log(JSON.stringify(sent));
                    console.log(e.status + ' ' + e.message);
                  });
                """)
            .strip();
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .contains("\"path\":\"/api/variants/v-1/archive\"")
        .contains("\"method\":\"POST\"")
        .contains("\"If-Match\":\"\\\"3\\\"\"")
        .contains("\"Authorization\":\"Bearer the-token\"")
        .doesNotContain("forged");
    assertThat(lines.get(1))
        .isEqualTo(
            "412 the variant was changed since it was read: load it again and redo the edit:"
                + " If-Match: read at revision 3; the variant is at revision 4");
  }
}
