package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectReader;
import com.salesagent.api.http.FieldError;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads the rows after the header ({@link CsvHeader}) of a CSV import's body, one at a time, each
 * handed to {@link RowEnrolment}. A row that cannot be read (an unclosed quote, more values than
 * the header has columns) is rejected by its first line, saying why in the file's terms, and the
 * lines after it are read as rows ({@link CsvRecords}); a spreadsheet's empty padding and blank
 * rows are passed over. {@code recorder} (or null) says whether the import was cancelled.
 */
record CsvImportReader(
    CsvRecords records, CsvHeader header, ImportProgress progress, ImportRecorder recorder) {
  void read(RowEnrolment rows) throws IOException {
    records.separator(header.separator());
    Map<String, String> echoNames = header.echoNames();
    ObjectReader reader = header.rowReader();
    while (!progress.full(recorder)) {
      CsvRecords.Record record = records.next();
      if (record == null) {
        break;
      }
      if (progress.handledBefore(record.line()) && record.error() != null) {
        continue;
      }
      if (record.error() != null) {
        rows.reject(
            record.line(), List.of(new FieldError("row", "unreadable CSV: " + record.error())));
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
        if (progress.handledBefore(record.line())) {
          records.rejectLast(); // as the first run did, so the rows after it are the same
          continue;
        }
        boolean spans = record.text().indexOf('\n') >= 0 || record.text().indexOf('\r') >= 0;
        String why =
            (tooWide != null ? tooWide : "unreadable CSV: " + firstLine(e))
                + (spans
                    ? " (a quoted value runs onto the next lines: is a closing quote missing?)"
                    : "");
        rows.reject(record.line(), List.of(new FieldError("row", why)));
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
      rows.handle(
          record.line(),
          CsvRows.lead(row),
          CsvOptIn.error(row.get(CsvOptIn.COLUMN)),
          CsvRows.echoed(row, echoNames),
          shortRow);
    }
    progress.unreadable(records.gaveUp());
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

  private static String firstLine(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
  }
}
