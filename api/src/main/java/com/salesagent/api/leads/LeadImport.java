package com.salesagent.api.leads;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.RequestJson;
import jakarta.ws.rs.WebApplicationException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams an import: one row read, validated, enrolled and answered at a time (one result line per
 * row, then a summary), so 100,000 rows never sit in memory together. Bad rows are reported with
 * their line number and the next row is read (a CSV row that cannot be parsed, e.g. an unclosed
 * quote, is rejected by its first line and the lines after it are read as rows: {@link
 * CsvRecords}); good rows are enrolled. Limits: {@link #MAX_ROWS} rows (the rest is not read: the
 * summary says so with a 413 code), {@link #MAX_LINE} bytes per JSON line or CSV field, and the
 * body cap of the request guard. Each row's answer ({@link RowAnswers}; a CSV row read by {@link
 * CsvRows}) is recorded and sent by {@link ImportAnswers}: a client gone does not stop the import.
 */
class LeadImport {
  static final int MAX_ROWS = 100_000;
  static final int MAX_LINE = 1024 * 1024;

  /**
   * A CSV row's cap (what one unreadable row may cost in memory): 4 MiB, far above any valid lead
   * (no field may hold more than 200,000 characters).
   */
  static final int MAX_ROW = 4 * MAX_LINE;

  private static final CsvMapper CSV =
      new CsvMapper(
          CsvFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxStringLength(MAX_LINE).build())
              .build());

  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final ObjectMapper json;
  private final int maxRows;
  private int rows;
  private int enrolled;
  private int duplicates;
  private int rejected;
  private int refused;
  private String truncated;
  private int truncatedCode = 413;
  private boolean cancelled;
  private List<String> ignoredColumns = List.of();

  /** The file's own header of each of the import's columns (a CSV import), named by row errors. */
  private Map<String, String> fileHeaders = Map.of();

  private ImportRecorder recorder;

  /** A resumed import: the rows through this line were handled before (their answers recorded). */
  private long handledThrough;

  LeadImport(LeadValidator validator, Enrolment enrolment, ObjectMapper json, int maxRows) {
    this.validator = validator;
    this.enrolment = enrolment;
    this.json = RequestJson.strict(json.copy());
    this.json
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(MAX_LINE).build());
    this.maxRows = maxRows;
  }

  /**
   * Records the import's rows and counts as it goes ({@link ImportRecorder}), and its end; the
   * summary line names it ({@code importId}).
   */
  LeadImport recordingTo(ImportRecorder recorder) {
    this.recorder = recorder;
    recorder.counting(this::counts);
    return this;
  }

  /**
   * Goes on with an import another process stopped ({@link ImportRecords#claimStale}): the rows
   * through {@code line} are read again (a CSV's rows are found as before) but neither enrolled nor
   * answered, and the counts go on from the record's. A row handled after the record's last write
   * is handled again: its lead answers already_enrolled.
   */
  LeadImport resumingAfter(long line, org.bson.Document counts) {
    handledThrough = line;
    if (counts != null) {
      rows = count(counts, "rows");
      enrolled = count(counts, "enrolled");
      duplicates = count(counts, "alreadyEnrolled");
      rejected = count(counts, "rejected");
      refused = count(counts, "refused");
    }
    return this;
  }

  private static int count(org.bson.Document counts, String key) {
    return counts.get(key) instanceof Number n ? n.intValue() : 0;
  }

  /** A row the import handled before it was resumed: skipped. */
  private boolean handledBefore(long line) {
    return line <= handledThrough;
  }

  /** Reads the rows of a body, answering each ({@link ImportAnswers}). */
  private interface Rows {
    void read(ImportAnswers answers) throws IOException;
  }

  void jsonLines(InputStream body, OutputStream out) throws IOException {
    run(answers -> readJsonLines(body, answers), out);
  }

  /** The rows after the header ({@link #header}) of a CSV body. */
  void csv(CsvRecords records, CsvHeader header, OutputStream out) throws IOException {
    ignoredColumns = header.ignored();
    fileHeaders = header.fileHeaders();
    run(answers -> readCsv(records, header, answers), out);
  }

  private void run(Rows body, OutputStream out) throws IOException {
    ImportAnswers answers = new ImportAnswers(json, recorder, out);
    String status = ImportStatus.DONE;
    String reason = null;
    try {
      body.read(answers);
    } catch (WebApplicationException e) {
      // The body went past the request guard's cap while rows were being answered.
      truncated = "the body is larger than the import's cap: rows after line " + rows + " not read";
    } catch (IOException e) {
      // Answers no longer fail the import (write): this is the body, cut before its end (the
      // connection closed during the upload). The rows received are answered and recorded.
      status = ImportStatus.INTERRUPTED;
      reason =
          "the request's body ended before the end of the file (the connection closed during the"
              + " upload): rows up to line "
              + answers.lastLine()
              + " were processed, the rest never arrived; import the file again (rows enrolled"
              + " already answer already_enrolled)";
    } catch (RuntimeException | Error e) {
      if (recorder != null) {
        recorder.end(
            ImportStatus.FAILED, "failed after line " + answers.lastLine() + ": " + e, null);
      }
      throw e;
    }
    if (cancelled && reason == null) {
      status = ImportStatus.INTERRUPTED;
      reason =
          "stopped by "
              + recorder.cancelledBy()
              + " after line "
              + answers.lastLine()
              + ": the rows after it were not imported";
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    if (recorder != null) {
      summary.put("importId", recorder.id());
    }
    summary.putAll(counts());
    if (!ignoredColumns.isEmpty()) {
      summary.put("ignoredColumns", ignoredColumns);
    }
    if (truncated != null) {
      summary.put("truncated", true);
      summary.put("code", truncatedCode);
      summary.put("message", truncated);
    }
    if (reason != null) {
      summary.put("interrupted", true);
      summary.put("message", reason);
    }
    if (recorder != null) {
      recorder.end(status, reason, summary);
    }
    answers.summary(summary);
  }

  /** The counts so far, as the summary gives them. */
  Map<String, Object> counts() {
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("rows", rows);
    counts.put("enrolled", enrolled);
    counts.put("alreadyEnrolled", duplicates);
    counts.put("rejected", rejected);
    counts.put("refused", refused);
    return counts;
  }

  private boolean full() {
    if (recorder != null && recorder.cancelledBy() != null) {
      cancelled = true;
      return true;
    }
    if (rows >= maxRows) {
      truncated = "at most " + maxRows + " rows per import: the rest was not read";
      return true;
    }
    return false;
  }

  /** The records of a CSV body: a value at most MAX_LINE characters, a row at most MAX_ROW. */
  static CsvRecords csvRecords(InputStream body) {
    return csvRecords(body, StandardCharsets.UTF_8);
  }

  static CsvRecords csvRecords(InputStream body, java.nio.charset.Charset charset) {
    return new CsvRecords(
        new BufferedReader(new InputStreamReader(body, charset)), MAX_LINE, MAX_ROW);
  }

  private void readCsv(CsvRecords records, CsvHeader header, ImportAnswers answers)
      throws IOException {
    records.separator(header.separator());
    Map<String, String> echoNames = header.echoNames();
    CsvSchema.Builder schema = CsvSchema.builder().setColumnSeparator(header.separator());
    header.columns().forEach(schema::addColumn);
    ObjectReader reader = CSV.readerForMapOf(String.class).with(schema.build());
    while (!full()) {
      CsvRecords.Record record = records.next();
      if (record == null) {
        break;
      }
      if (handledBefore(record.line()) && record.error() != null) {
        continue;
      }
      if (record.error() != null) {
        rows++;
        rejected++;
        answers.row(
            RowAnswers.rejected(
                record.line(),
                List.of(new FieldError("row", "unreadable CSV: " + record.error()))));
        continue;
      }
      Map<String, String> row;
      String tooWide = null;
      Exception failure = null;
      try {
        row = reader.readValue(record.text());
      } catch (IOException | RuntimeException jackson) {
        // More values than the header has columns (Jackson takes one empty value past the last).
        List<String> values = CsvRows.values(record.text(), header.separator());
        int width = header.columns().size();
        if (values == null || values.size() <= width) {
          row = null;
        } else if (values.subList(width, values.size()).stream().allMatch(String::isBlank)) {
          // A spreadsheet's padding (empty cells past the header's last column, "...,,,") holds
          // nothing: the row is read without it (it was rejected, although nothing would be lost).
          row = CsvRows.byColumns(header.columns(), values.subList(0, width));
        } else {
          tooWide = tooManyValues(values.size(), width, header.separator());
          row = null;
        }
        if (row == null) {
          failure = jackson;
        }
      }
      if (failure != null) {
        Exception e = failure;
        if (handledBefore(record.line())) {
          records.rejectLast(); // as the first run did, so the rows after it are the same
          continue;
        }
        rows++;
        rejected++;
        boolean spans = record.text().indexOf('\n') >= 0 || record.text().indexOf('\r') >= 0;
        String why =
            (tooWide != null ? tooWide : "unreadable CSV: " + firstLine(e))
                + (spans
                    ? " (a quoted value runs onto the next lines: is a closing quote missing?)"
                    : "");
        answers.row(RowAnswers.rejected(record.line(), List.of(new FieldError("row", why))));
        // Its lines after the first are read again as rows (a quote it opened may have joined
        // them to it).
        records.rejectLast();
        continue;
      }
      if (row.values().stream().allMatch(v -> v == null || v.isBlank())) {
        // Only separators (a spreadsheet's trailing rows, ";;;;;;"): a blank line, not a row.
        continue;
      }
      int width = header.columns().size();
      FieldError shortRow =
          row.size() < width ? new FieldError("row", fewerValues(row.size(), width)) : null;
      row = CsvRows.unguarded(row);
      handle(
          record.line(),
          CsvRows.lead(row),
          answers,
          CsvOptIn.error(row.get(CsvOptIn.COLUMN)),
          CsvRows.echoed(row, echoNames),
          shortRow);
    }
    if (records.gaveUp() != null && truncated == null) {
      truncated = records.gaveUp();
      truncatedCode = 422;
    }
  }

  /**
   * Why a row with more values than the header has columns is not read, in the file's terms: a
   * value holding the separator and not quoted ("Acme, Inc.") shifts every value after it. Jackson
   * said "Too many entries: expected at most 16 (value #16 ...)", counting from 0 and quoting the
   * row's last value, which sent the operator looking at that value.
   */
  static String tooManyValues(int values, int columns, char separator) {
    String sep = separator == '\t' ? "a tab" : "'" + separator + "'";
    return "this row has "
        + values
        + " values but the header names "
        + columns
        + " columns: a value that holds "
        + sep
        + " must be in double quotes"
        + (separator == '\t' ? "" : " (\"Acme" + separator + " Inc.\")")
        + ", or the row has a value too many; nothing of it was imported";
  }

  /**
   * Said beside a rejected row's errors when it has fewer values than the header has columns: its
   * "required" errors alone ("company: required", "consent: required: {whatsappOptIn: true, ...}")
   * did not say that the row was cut, most often by a line break inside a value not in quotes (the
   * rest of the row is then the next line, rejected too).
   */
  static String fewerValues(int values, int columns) {
    return "this row has "
        + values
        + " value"
        + (values == 1 ? "" : "s")
        + " but the header names "
        + columns
        + " columns: is a line break inside a value that is not in double quotes (the rest of"
        + " the row is then the next line)?";
  }

  private void readJsonLines(InputStream body, ImportAnswers answers) throws IOException {
    long line = 0;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    while (!full()) {
      Line next = readLine(body, buffer);
      if (next == null) {
        break;
      }
      line++;
      if (handledBefore(line)) {
        continue;
      }
      if (next.tooLong()) {
        rows++;
        rejected++;
        answers.row(
            RowAnswers.rejected(
                line, List.of(new FieldError("line", "longer than " + MAX_LINE + " bytes"))));
        continue;
      }
      String text = next.text();
      if (text.isBlank()) {
        continue;
      }
      LeadRequest request;
      try {
        request = json.readValue(text, LeadRequest.class);
      } catch (IOException e) {
        rows++;
        rejected++;
        answers.row(RowAnswers.rejected(line, List.of(FieldError.ofJson(e))));
        continue;
      }
      handle(line, request, answers, null, null, null);
    }
  }

  private record Line(String text, boolean tooLong) {}

  /** The next line, never holding more than MAX_LINE bytes of it (the rest is skipped). */
  private static Line readLine(InputStream in, ByteArrayOutputStream buffer) throws IOException {
    buffer.reset();
    boolean tooLong = false;
    int b;
    boolean any = false;
    while ((b = in.read()) != -1) {
      any = true;
      if (b == '\n') {
        break;
      }
      if (buffer.size() < MAX_LINE) {
        buffer.write(b);
      } else {
        tooLong = true;
      }
    }
    if (!any) {
      return null;
    }
    return new Line(buffer.toString(StandardCharsets.UTF_8), tooLong);
  }

  /**
   * One row: validated and enrolled, or rejected naming every bad field. {@code unread} is the
   * row's error the request could not carry (a CSV consentOptIn that is neither yes nor no): it
   * rejects the row and stands for the validator's "not opted in" on the same value.
   */
  private void handle(
      long line,
      LeadRequest request,
      ImportAnswers answers,
      FieldError unread,
      Map<String, String> columns,
      FieldError shortRow) {
    if (handledBefore(line)) {
      return;
    }
    rows++;
    LeadValidator.Result result = validator.validate(request);
    // The row's number as its lead would hold it: what an erasure finds its echoed columns by.
    String phone =
        columns == null
            ? null
            : result.lead() != null ? result.lead().phone() : validator.phoneOf(request);
    if (unread != null) {
      List<FieldError> errors = new ArrayList<>(List.of(unread));
      result.errors().stream()
          .filter(e -> !"consent.whatsappOptIn".equals(e.field()))
          .forEach(errors::add);
      if (shortRow != null) {
        errors.add(shortRow);
      }
      rejected++;
      answers.row(
          RowAnswers.withColumns(RowAnswers.rejected(line, errors), columns, fileHeaders),
          phone,
          erasedPerson(phone));
      return;
    }
    if (!result.valid()) {
      rejected++;
      List<FieldError> errors = new ArrayList<>(result.errors());
      if (shortRow != null) {
        errors.add(shortRow);
      }
      answers.row(
          RowAnswers.withColumns(RowAnswers.rejected(line, errors), columns, fileHeaders),
          phone,
          erasedPerson(phone));
      return;
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("line", line);
    if (recorder != null && recorder.forgotten(result.lead().phone())) {
      // The person asked to be erased while this import was under way (this row still to come, or
      // handled again after a resume): their file's row does not enrol them again, though the
      // erasure (keepSuppressed=false) suppressed nothing. A later import may, as a new consent.
      refused++;
      answer.put("status", ERASED_ON_REQUEST);
      answer.put("message", FORGOTTEN);
      answers.row(RowAnswers.withColumns(answer, columns, fileHeaders), phone, ERASED_NOT_RECORDED);
      return;
    }
    try {
      String number = result.lead().phone();
      Enrolment.Outcome outcome =
          enrolment.enrol(result.lead(), () -> recorder != null && recorder.forgotten(number));
      if (Enrolment.ERASED_ON_REQUEST.equals(outcome.status())) {
        // Asked to be forgotten between the check above and the enrolment's insert: taken back.
        refused++;
        answer.put("status", ERASED_ON_REQUEST);
        answer.put("message", FORGOTTEN);
        answers.row(
            RowAnswers.withColumns(answer, columns, fileHeaders), phone, ERASED_NOT_RECORDED);
        return;
      }
      if (Enrolment.PHONE_ACTIVE.equals(outcome.status())
          && (request.leadId() == null || request.leadId().isBlank())
          && enrolment.isLiveLeadOf(outcome.activeLeadId(), result.lead())) {
        // A row without a leadId of its own (the weekly re-import of a CRM file) whose number
        // has this person's live lead in the campaign is that lead: already enrolled, by its id.
        outcome = new Enrolment.Outcome(outcome.activeLeadId(), null, Enrolment.ALREADY_ENROLLED);
      }
      if (Enrolment.ALREADY_ENROLLED.equals(outcome.status())) {
        duplicates++;
      } else if (outcome.started()) {
        enrolled++;
      } else {
        refused++;
      }
      RowAnswers.outcome(answer, outcome);
    } catch (RuntimeException e) {
      rejected++;
      answer.put("status", "error");
      answer.put("leadId", result.lead().leadId());
      answer.put("message", "stored but not started, enrol it again: " + e.getMessage());
    }
    // A row whose lead exists (enrolled now or before) has nothing to fix: no columns back.
    if (erased(answer)) {
      // The person asked to be erased: the operator's answer echoes the row, its record does not
      // (a CRM file imported again every week would keep it on the server for IMPORT_RETENTION).
      answers.row(RowAnswers.withColumns(answer, columns, fileHeaders), phone, ERASED_NOT_RECORDED);
      return;
    }
    answers.row(
        RowAnswers.hasLead(answer) ? answer : RowAnswers.withColumns(answer, columns, fileHeaders),
        phone);
  }

  /** A row's status: its person asked to be erased while the import was under way. */
  static final String ERASED_ON_REQUEST = "erased_on_request";

  static final String FORGOTTEN =
      "not enrolled: this number's person asked to be erased while the import was under way"
          + " (their number is not suppressed: a later import or enrolment, with their new"
          + " consent, may enrol them)";

  /** What a row's record says in place of the columns of a person who asked to be erased. */
  static final String ERASED_NOT_RECORDED = "not recorded: this number's person asked to be erased";

  /**
   * {@link #ERASED_NOT_RECORDED} for a rejected row (never enrolled, so never told the number's
   * suppression) whose number an erasure suppressed; else null.
   */
  private String erasedPerson(String phone) {
    return phone != null
            && recorder != null
            && (enrolment.erasedNumber(phone) || recorder.forgotten(phone))
        ? ERASED_NOT_RECORDED
        : null;
  }

  /** A row refused because its lead is being erased or its number was suppressed by an erasure. */
  private static boolean erased(Map<String, Object> answer) {
    return Enrolment.LEAD_ERASING.equals(answer.get("status"))
        || (answer.get("suppression") instanceof Map<?, ?> s
            && Suppressions.ERASURE.equals(s.get("source")));
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
  }
}
