package com.salesagent.api.leads;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * body cap of the request guard. Each row is enrolled and answered by {@link RowEnrolment} (a CSV
 * row read by {@link CsvImportReader}), counted by {@link ImportProgress}; its answer is recorded
 * and sent by {@link ImportAnswers}: a client gone does not stop the import.
 */
class LeadImport {
  static final int MAX_ROWS = 100_000;
  static final int MAX_LINE = 1024 * 1024;

  /**
   * A CSV row's cap (what one unreadable row may cost in memory): 4 MiB, far above any valid lead
   * (no field may hold more than 200,000 characters).
   */
  static final int MAX_ROW = 4 * MAX_LINE;

  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final ObjectMapper json;
  private final ImportProgress progress;
  private List<String> ignoredColumns = List.of();

  /** The file's own header of each of the import's columns (a CSV import), named by row errors. */
  private Map<String, String> fileHeaders = Map.of();

  private ImportRecorder recorder;

  LeadImport(LeadValidator validator, Enrolment enrolment, ObjectMapper json, int maxRows) {
    this.validator = validator;
    this.enrolment = enrolment;
    this.json = RequestJson.strict(json.copy());
    this.json
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(MAX_LINE).build());
    this.progress = new ImportProgress(maxRows);
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
    progress.resumeAfter(line, counts);
    return this;
  }

  /** Reads the rows of a body, each handed to {@link RowEnrolment}. */
  private interface Rows {
    void read(RowEnrolment rows) throws IOException;
  }

  void jsonLines(InputStream body, OutputStream out) throws IOException {
    run(rows -> readJsonLines(body, rows), out);
  }

  /** The rows after the header ({@link CsvHeader}) of a CSV body. */
  void csv(CsvRecords records, CsvHeader header, OutputStream out) throws IOException {
    ignoredColumns = header.ignored();
    fileHeaders = header.fileHeaders();
    run(rows -> new CsvImportReader(records, header, progress, recorder).read(rows), out);
  }

  private void run(Rows body, OutputStream out) throws IOException {
    ImportAnswers answers = new ImportAnswers(json, recorder, out);
    String status = ImportStatus.DONE;
    String reason = null;
    try {
      body.read(new RowEnrolment(validator, enrolment, recorder, progress, answers, fileHeaders));
    } catch (WebApplicationException e) {
      // The body went past the request guard's cap while rows were being answered.
      progress.truncated(
          "the body is larger than the import's cap: rows after line "
              + progress.rows()
              + " not read");
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
    if (progress.cancelled() && reason == null) {
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
    progress.putTruncation(summary);
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
    return progress.counts();
  }

  /** The records of a CSV body: a value at most MAX_LINE characters, a row at most MAX_ROW. */
  static CsvRecords csvRecords(InputStream body) {
    return csvRecords(body, StandardCharsets.UTF_8);
  }

  static CsvRecords csvRecords(InputStream body, java.nio.charset.Charset charset) {
    return new CsvRecords(
        new BufferedReader(new InputStreamReader(body, charset)), MAX_LINE, MAX_ROW);
  }

  private void readJsonLines(InputStream body, RowEnrolment rows) throws IOException {
    long line = 0;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    while (!progress.full(recorder)) {
      Line next = readLine(body, buffer);
      if (next == null) {
        break;
      }
      line++;
      if (progress.handledBefore(line)) {
        continue;
      }
      if (next.tooLong()) {
        rows.reject(line, List.of(new FieldError("line", "longer than " + MAX_LINE + " bytes")));
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
        rows.reject(line, List.of(FieldError.ofJson(e)));
        continue;
      }
      rows.handle(line, request, null, null, null);
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
}
