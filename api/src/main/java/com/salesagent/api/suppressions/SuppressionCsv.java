package com.salesagent.api.suppressions;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.leads.CsvColumns;
import com.salesagent.api.leads.CsvHeader;
import com.salesagent.api.leads.CsvRecords;
import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an uploaded do-not-contact list sent as CSV into its lines ({@link SuppressionImport}): one
 * number per line, or a header naming the number's column among others, as a CRM export (the lead
 * import's reading, {@link CsvRecords} and {@link CsvHeader}). A list whose number column cannot be
 * found is refused before any line.
 */
final class SuppressionCsv {
  /** A CSV value's cap and a row's (a CRM export's notes may be long; one row is held at most). */
  static final int MAX_FIELD = 1024 * 1024;

  static final int MAX_ROW = 4 * MAX_FIELD;

  private final SuppressionImport list;

  SuppressionCsv(SuppressionImport list) {
    this.list = list;
  }

  /**
   * A CSV body. The first row is a header when one of its values names the number's column ({@code
   * number}, {@code phone} or any name the lead import reads as the phone: "Phone Number",
   * "Mobile", "Telefone"...; or the one {@code column} names), or when it is one value with no
   * digit in it; else every row is one number. A header of several columns none of which is a
   * number's is 400 naming {@code number}; one with several is 400 naming {@code column} (choose
   * one with {@code ?column=}). Returns the column read (null without a header).
   */
  String read(CsvRecords records, String column) throws IOException {
    CsvHeader.First first =
        CsvHeader.first(records, "empty list: send one number per line (a header is optional)");
    CsvRecords.Record head = first.record();
    if (head.error() != null) {
      throw new ApiException(
          400, "the list's first row could not be read", new FieldError("header", head.error()));
    }
    char separator = first.separator() == null ? ',' : first.separator();
    int index = -1;
    String named = null;
    List<String> several = List.of();
    for (char candidate :
        first.separator() == null ? new char[] {',', ';', '\t'} : new char[] {separator}) {
      List<String> values = CsvHeader.values(head.text(), candidate);
      if (values == null) {
        continue;
      }
      List<Integer> found = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i);
        if (column != null ? key(v).equals(key(column)) : numberColumn(v)) {
          found.add(i);
        }
      }
      if (found.size() == 1) {
        separator = candidate;
        index = found.get(0);
        named = values.get(index).strip();
        break;
      }
      if (found.size() > 1 && several.isEmpty()) {
        several = found.stream().map(i -> values.get(i).strip()).toList();
      }
    }
    if (index < 0 && !several.isEmpty()) {
      throw new ApiException(
          400,
          "the header names more than one number column: "
              + SuppressionImport.shown(String.join(", ", several))
              + "; name the one to read with ?column=",
          new FieldError(
              "column",
              "several number columns: " + SuppressionImport.shown(String.join(", ", several))));
    }
    boolean header = index >= 0;
    String headerOnly = null;
    if (!header) {
      if (column != null) {
        throw new ApiException(
            400,
            "the header names no column " + SuppressionImport.shown(column),
            new FieldError("column", "not in the header: " + SuppressionImport.shown(column)));
      }
      String text = head.text().strip();
      boolean digits = text.chars().anyMatch(Character::isDigit);
      boolean columns = text.indexOf(',') >= 0 || text.indexOf(';') >= 0 || text.indexOf('\t') >= 0;
      if (!digits && columns) {
        throw new ApiException(
            400,
            "the list's header names no number column: name it number or phone (or Phone Number,"
                + " Mobile, Telefone...), or send one number per line without a header",
            new FieldError(
                "number", "no number column in the header: " + SuppressionImport.shown(text)));
      }
      if (digits) {
        list.add(head.line(), unquoted(text), null);
      } else {
        // One value without a digit: the header of a list of one column.
        headerOnly = text;
      }
    } else {
      records.separator(separator);
    }
    while (true) {
      // Past the body's cap, the read throws the guard's 413: the lines before it are kept.
      CsvRecords.Record record = records.next();
      if (record == null) {
        break;
      }
      if (record.error() != null) {
        list.invalid(
            record.line(), null, new FieldError("row", "unreadable CSV: " + record.error()));
        continue;
      }
      if (!header) {
        String text = record.text().strip();
        if (!text.isEmpty()) {
          list.add(record.line(), unquoted(text), null);
          headerOnly = null;
        }
        continue;
      }
      List<String> values = CsvHeader.values(record.text(), separator);
      if (values == null) {
        list.invalid(record.line(), null, new FieldError("row", "unreadable CSV"));
        records.rejectLast();
        continue;
      }
      if (values.stream().allMatch(v -> v == null || v.isBlank())) {
        continue; // only separators: a spreadsheet's trailing rows
      }
      list.add(record.line(), index < values.size() ? values.get(index) : null, null);
    }
    if (records.gaveUp() != null) {
      throw new ApiException(
          422, "the list could not be read", new FieldError("body", records.gaveUp()));
    }
    if (headerOnly != null && undecoded(headerOnly)) {
      // One line, no digit, nothing after, and not text: a list sent in another charset than it
      // names (charset=utf-32 for ASCII) reads as such a line, and was answered 200 with nothing
      // suppressed, as if the list had been taken. (A header alone, an empty day's export, is
      // still a list of no number.)
      throw new ApiException(
          422,
          "the list holds no number: its only line does not read as text in the charset it was"
              + " read with: name the one it is written in (text/csv; charset=...), or send UTF-8",
          new FieldError("body", "no number: one line that is not text"));
    }
    return named;
  }

  /**
   * Whether {@code text} is what bytes read in the wrong charset look like: a replacement character
   * (bytes the charset has no character for), a control character, or a code point no script
   * assigns.
   */
  static boolean undecoded(String text) {
    return text.codePoints()
        .anyMatch(
            c ->
                c == 0xFFFD
                    || (Character.isISOControl(c) && c != '\t')
                    || Character.getType(c) == Character.UNASSIGNED
                    || Character.getType(c) == Character.PRIVATE_USE
                    || Character.getType(c) == Character.SURROGATE);
  }

  /** Whether a header value names the number's column. */
  static boolean numberColumn(String name) {
    if (name == null) {
      return false;
    }
    String k = key(name);
    return "phone".equals(CsvColumns.canonical(name))
        || k.equals("number")
        || k.equals("numero")
        || k.equals("msisdn")
        || k.equals("e164");
  }

  private static String key(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFD)
        .replaceAll("\\p{M}+", "")
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]", "");
  }

  /** A one-value line as written, its quotes taken off ("+55 11 ..." from a spreadsheet). */
  private static String unquoted(String text) {
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      return text.substring(1, text.length() - 1).replace("\"\"", "\"");
    }
    return text;
  }
}
