package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Import leads screen's pure parts (js/import-core.js), run in node on a .mjs copy: the
 * streamed answer's lines rebuilt from chunks cut anywhere (inside a line, inside a UTF-8
 * character), the counts as the server's summary makes them, and the CSV of the rows not enrolled
 * (quoting, and no cell a spreadsheet would run as a formula).
 */
class ImportCoreScriptTest {
  @TempDir Path dir;

  /** Runs the script (with {@code core}, the module) and returns what it printed. */
  private String run(String script) throws Exception {
    return DashboardScripts.run(
        dir, "import-core", "import * as core from './import-core.mjs';\n" + script);
  }

  @Test
  void linesAreRebuiltFromChunksCutInsideALineAndInsideAUtf8Character() throws Exception {
    // Every cut of the body into two chunks, and chunks of 1 to 9 bytes: "João" is 2 bytes for ã,
    // the emoji 4, so many cuts fall inside a character; CRLF and a blank line too.
    String out =
        run(
            """
            const body = '{"line":2,"status":"rejected","errors":[{"field":"name","message":"João 😀"}]}\\r\\n'
              + '\\n{"line":3,"status":"enrolled","leadId":"ação"}\\n{"summary":{"rows":2}}';
            const bytes = new TextEncoder().encode(body);
            const results = new Set();
            function feed(chunks) {
              const s = core.lineSplitter();
              const lines = [];
              chunks.forEach((c) => lines.push(...s.push(c)));
              lines.push(...s.end());
              results.add(JSON.stringify(lines));
            }
            for (let cut = 0; cut <= bytes.length; cut++) feed([bytes.slice(0, cut), bytes.slice(cut)]);
            for (let size = 1; size < 10; size++) {
              const chunks = [];
              for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
              feed(chunks);
            }
            console.log(JSON.stringify([...results]));
            """);
    JsonNode results = new ObjectMapper().readTree(out);
    assertThat(results).as("every way of cutting gives the same lines").hasSize(1);
    JsonNode lines = new ObjectMapper().readTree(results.get(0).asText());
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).asText())
        .isEqualTo(
            "{\"line\":2,\"status\":\"rejected\",\"errors\":[{\"field\":\"name\",\"message\":\"João"
                + " 😀\"}]}");
    assertThat(lines.get(1).asText())
        .isEqualTo("{\"line\":3,\"status\":\"enrolled\",\"leadId\":\"ação\"}");
    assertThat(lines.get(2).asText()).isEqualTo("{\"summary\":{\"rows\":2}}");
  }

  @Test
  void rowsAreCountedAsTheSummaryCountsThemAndTheSummaryHasTheLastWord() throws Exception {
    String out =
        run(
            """
            const t = core.newTally();
            ['enrolled', 'workflow_started', 'already_enrolled', 'rejected', 'error', 'suppressed',
             'phone_active', 'lead_id_taken', 'lead_erasing', 'recently_contacted', 'phone_active']
              .forEach((status) => core.count(t, { line: 1, status: status }));
            const lines = ['{"line":9,"status":"phone_active"}', '{"summary":{"rows":40,"enrolled":30,'
              + '"alreadyEnrolled":1,"rejected":4,"refused":5}}', 'not json', '[1]']
              .map((l) => core.parseLine(l).kind);
            const counted = JSON.parse(JSON.stringify(t));
            core.applySummary(t, core.parseLine('{"summary":{"rows":40,"enrolled":30,'
              + '"alreadyEnrolled":1,"rejected":4,"refused":5}}').summary);
            console.log(JSON.stringify({ counted, lines, summary: t }));
            """);
    JsonNode r = new ObjectMapper().readTree(out);
    JsonNode counted = r.get("counted");
    assertThat(counted.get("rows").asInt()).isEqualTo(11);
    assertThat(counted.get("enrolled").asInt()).isEqualTo(2);
    assertThat(counted.get("alreadyEnrolled").asInt()).isEqualTo(1);
    assertThat(counted.get("rejected").asInt()).as("rejected and error").isEqualTo(2);
    assertThat(counted.get("refused").asInt()).isEqualTo(6);
    assertThat(counted.get("byStatus").get("phone_active").asInt()).isEqualTo(2);
    assertThat(r.get("lines").toString()).isEqualTo("[\"row\",\"summary\",\"bad\",\"bad\"]");
    JsonNode summary = r.get("summary");
    assertThat(summary.get("rows").asInt()).isEqualTo(40);
    assertThat(summary.get("enrolled").asInt()).isEqualTo(30);
    assertThat(summary.get("refused").asInt()).isEqualTo(5);
    assertThat(summary.get("rejected").asInt()).isEqualTo(4);
  }

  @Test
  void theCsvOfRowsNotEnrolledQuotesCellsAndDisarmsFormulas() throws Exception {
    String out =
        run(
            """
            process.stdout.write(core.failuresCsv([
              { line: 2, status: 'rejected', errors: [
                { field: 'name', message: '=HYPERLINK("http://evil","x")' },
                { field: 'phone', message: 'not a number: +1 (555), "call me"' }] },
              { line: 3, status: 'phone_active', leadId: '@SUM(A1)', errors: [
                { field: 'phone', message: '-2+3' }] },
              { line: 4, status: 'error', leadId: 'lead-4', message: 'stored but not started,\\nenrol it again' },
              { line: 5, status: 'rejected', errors: [{ field: 'company', message: '\\t=1+1' }] }
            ]));
            """);
    assertThat(out).startsWith("\uFEFF");
    assertThat(out.substring(1).split("\r\n", -1))
        .containsExactly(
            "line,status,leadId,field,message",
            "2,rejected,,name,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"",
            "2,rejected,,phone,\"not a number: +1 (555), \"\"call me\"\"\"",
            "3,phone_active,'@SUM(A1),phone,'-2+3",
            "4,error,lead-4,,\"stored but not started,\nenrol it again\"",
            "5,rejected,,company,\"'\t'=1+1\"",
            "");
  }

  /**
   * A CSV import's rows not enrolled carry their own columns (the server echoes them): the failures
   * CSV holds each row once, its own columns in the file's order first (the union, first seen
   * first), then what the import said, so the rows can be fixed and imported again in the same
   * shape. Formula cells are still disarmed; a phone number is not (it must import again).
   */
  @Test
  void theFailuresCsvCarriesEachRowsOwnColumnsToFixAndImportAgain() throws Exception {
    String out =
        run(
            """
            process.stdout.write(core.failuresCsv([
              { line: 2, status: 'rejected',
                columns: { leadId: 'a-1', name: '=cmd|calc', phone: '+55 11 91234-0000' },
                errors: [{ field: 'name', message: 'bad name' }, { field: 'phone', message: 'bad, phone' }] },
              { line: 4, status: 'recently_contacted', leadId: 'a-3',
                columns: { leadId: 'a-3', name: 'Bo', phone: '+5511912340003', notes: 'hi' },
                errors: [{ field: 'phone', message: 'earlier lead a-0' }] }
            ]));
            """);
    assertThat(out).startsWith("\uFEFF");
    assertThat(out.substring(1).split("\r\n", -1))
        .containsExactly(
            "leadId,name,phone,notes,import line,import status,import fields,import message",
            "a-1,'=cmd|calc,+55 11 91234-0000,,2,rejected,\"name; phone\",\"bad name; bad, phone\"",
            "a-3,Bo,+5511912340003,hi,4,recently_contacted,phone,earlier lead a-0",
            "");
  }

  @Test
  void noPartOfACellIsAFormulaWhereTheSpreadsheetSplitsAtSemicolons() throws Exception {
    // Excel in pt-BR, de or fr splits a CSV at ';' and reads a quote that does not open a field as
    // a letter: "x;=1+1" is then a cell =1+1. A field name from a JSON line's unknown field, or a
    // message, must not bring one.
    String out =
        run(
            """
            process.stdout.write(core.failuresCsv([
              { line: 2, status: 'rejected', errors: [
                { field: 'x;=HYPERLINK("http://evil";"open");', message: 'unknown field; known: name' },
                { field: 'phone', message: 'a, -2+3;@SUM(A1)' }] },
              { line: 3, status: 'rejected', errors: [{ field: 'notes', message: 'a;"=1+1"' }] },
              { line: 4, status: 'rejected', errors: [{ field: 'notes', message: 'a; \\t=1+1\\n+1' }] }
            ]));
            """);
    String[] lines = out.substring(1).split("\r\n");
    assertThat(lines).hasSize(5);
    for (String line : lines) {
      for (String part : line.split("[,;\t\r\n]")) {
        assertThat(part.replaceFirst("^[ \"]*", "")).as(line).doesNotMatch("(?s)[=+\\-@].*");
      }
    }
    // What the cells said is still there to read.
    assertThat(out)
        .contains("HYPERLINK")
        .contains("SUM(A1)")
        .contains("unknown field; known: name");
  }

  @Test
  void theQueryAndTheContentTypeFollowTheOptionsAndTheFile() throws Exception {
    String out =
        run(
            """
            console.log(JSON.stringify([
              core.importQuery({ region: ' br ', unknownColumns: 'ignore', recontact: true }),
              core.importQuery({ region: '', unknownColumns: 'refuse', recontact: false }),
              core.importQuery({}),
              core.contentTypeOf('leads.CSV', ''),
              core.contentTypeOf('leads.jsonl', ''),
              core.contentTypeOf('export', 'application/x-ndjson'),
              core.contentTypeOf('export.txt', 'text/plain')
            ]));
            """);
    assertThat(out.strip())
        .isEqualTo(
            "[\"?region=BR&unknownColumns=ignore&recontact=true\",\"?unknownColumns=refuse\",\"\","
                + "\"text/csv\",\"application/x-ndjson\",\"application/x-ndjson\",\"text/csv\"]");
  }

  /**
   * Rows refused {@code recently_contacted} were only counted as refused: the screen did not say
   * that the re-contact box enrols them, so the override the API has was not found. The summary
   * says it when such rows were refused with the box off, and only then.
   */
  @Test
  void rowsRefusedAsRecentlyContactedSayHowToEnrolThemAnyway() throws Exception {
    String out =
        run(
            """
            const t = core.newTally();
            core.count(t, { line: 2, status: 'enrolled' });
            core.count(t, { line: 3, status: 'recently_contacted' });
            core.count(t, { line: 4, status: 'recently_contacted' });
            const one = core.newTally();
            core.count(one, { line: 2, status: 'recently_contacted' });
            const other = core.newTally();
            core.count(other, { line: 2, status: 'suppressed' });
            console.log(JSON.stringify([core.recontactHint(t, false), core.recontactHint(one, false),
              core.recontactHint(t, true), core.recontactHint(other, false)]));
            """);
    assertThat(out.strip())
        .isEqualTo(
            "[\"2 rows were refused as recently contacted: our message reached the number lately"
                + " and it never answered. To enrol them anyway, tick \\\"Also enrol numbers we"
                + " messaged lately that never answered\\\" (read its warning) and import the"
                + " same file again: rows enrolled already are not enrolled twice.\","
                + "\"1 row was refused as recently contacted: our message reached the number"
                + " lately and it never answered. To enrol it anyway, tick \\\"Also enrol"
                + " numbers we messaged lately that never answered\\\" (read its warning) and"
                + " import the same file again: rows enrolled already are not enrolled twice.\","
                + "null,null]");
    String screen = Files.readString(DashboardScripts.DASHBOARD_JS.resolve("import.js"));
    assertThat(screen).contains("recontactHint(t, state.recontact)");
  }

  /**
   * A CSV row's errors name the file's column where the server gave one ({@code consentAt}), not
   * the lead's JSON path ({@code consent.at}): the table and the failures CSV say which cell to
   * fix. A JSON line's error (no column) keeps its field.
   */
  @Test
  void aCsvRowsErrorsNameTheFilesColumnNotTheLeadsField() throws Exception {
    String out =
        run(
            """
            const csvRow = { line: 2, status: 'rejected', columns: { name: 'Ana', consentAt: 'x' },
              errors: [{ field: 'consent.at', column: 'consentAt', message: 'not a time' },
                       { field: 'row', message: 'short' }] };
            const jsonRow = { line: 3, status: 'rejected',
              errors: [{ field: 'consent.at', message: 'not a time' }] };
            console.log(JSON.stringify([core.rowErrors(csvRow), core.rowErrors(jsonRow)]));
            process.stdout.write(core.failuresCsv([csvRow]));
            """);
    String[] lines = out.split("\\n", 2);
    assertThat(lines[0].strip())
        .isEqualTo(
            "[[{\"field\":\"consentAt\",\"message\":\"not a time\"},"
                + "{\"field\":\"row\",\"message\":\"short\"}],"
                + "[{\"field\":\"consent.at\",\"message\":\"not a time\"}]]");
    assertThat(lines[1]).contains("Ana,x,2,rejected,\"consentAt; row\",\"not a time; short\"");
  }

  /**
   * A CSV row's error whose column the file names otherwise ({@code "header": "Phone Number"}
   * beside {@code "column": "phone"}) names the file's own header first, then the import's column:
   * in the table and in the failures CSV's {@code import fields}. A header the same as the column
   * is said once.
   */
  @Test
  void aCsvRowsErrorsNameTheFilesOwnHeader() throws Exception {
    String out =
        run(
            """
            const row = { line: 2, status: 'rejected', columns: { phone: 'x', consentAt: 'y' },
              errors: [{ field: 'phone', column: 'phone', header: 'Phone Number', message: 'bad' },
                       { field: 'consent.at', column: 'consentAt', header: 'consentAt',
                         message: 'not a time' }] };
            console.log(JSON.stringify(core.rowErrors(row)));
            process.stdout.write(core.failuresCsv([row]));
            """);
    String[] lines = out.split("\\n", 2);
    assertThat(lines[0].strip())
        .isEqualTo(
            "[{\"field\":\"Phone Number (phone)\",\"header\":\"Phone Number\","
                + "\"message\":\"bad\"},{\"field\":\"consentAt\",\"message\":\"not a time\"}]");
    assertThat(lines[1])
        .contains("x,y,2,rejected,\"Phone Number (phone); consentAt\",\"bad; not a time\"");
  }

  @Test
  void theScreenStreamsThroughTheApiClientAndWritesTextOnly() throws Exception {
    String screen = Files.readString(DashboardScripts.DASHBOARD_JS.resolve("import.js"));
    assertThat(screen).contains("apiStream(").contains("getReader()").contains("lineSplitter()");
    assertThat(screen).doesNotContain("innerHTML").doesNotContain("insertAdjacentHTML");
    assertThat(screen).as("auth and 401 stay in api.js").doesNotContain("Authorization");
    assertThat(Files.readString(DashboardScripts.DASHBOARD_JS.resolve("api.js")))
        .contains("export function apiStream(");
  }
}
