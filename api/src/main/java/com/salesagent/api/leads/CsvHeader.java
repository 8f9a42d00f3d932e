package com.salesagent.api.leads;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CSV body's header: the import's names of its columns (an ignored one under a name no row field
 * has), the separator its rows use, the columns left out as the caller asked, and the header's
 * names as the file wrote them ({@code written}, in the same order as {@code columns}: "Phone
 * Number" where the import reads {@code phone}). Read ({@link #read}) before the answer starts, so
 * a header that cannot be used is a plain 400.
 */
public record CsvHeader(
    List<String> columns, char separator, List<String> ignored, List<String> written) {
  private static final CsvMapper CSV =
      new CsvMapper(
          CsvFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxStringLength(LeadImport.MAX_LINE).build())
              .build());

  /** How a row under this header is read: its values by the header's columns, as a map. */
  ObjectReader rowReader() {
    CsvSchema.Builder schema = CsvSchema.builder().setColumnSeparator(separator);
    columns.forEach(schema::addColumn);
    return CSV.readerForMapOf(String.class).with(schema.build());
  }

  /**
   * The column names of a CSV body's header row, read before the answer starts so that a header
   * that cannot be used is a plain 400.
   */
  static CsvHeader read(CsvRecords records, boolean ignoreUnknown) {
    First header =
        first(records, "empty CSV: send a header row naming the columns, then one lead per row");
    CsvRecords.Record first = header.record();
    Character told = header.separator();
    CsvHeader best = null;
    if (first.error() == null && told != null) {
      best = new CsvHeader(columns(first.text(), told), told, List.of(), List.of());
    } else if (first.error() == null) {
      // The separator is the one that makes the header known columns: ',' unless ';' (Excel where
      // the decimal mark is a comma) or a tab names more of them.
      int known = -1;
      for (char separator : SEPARATORS) {
        List<String> columns = columns(first.text(), separator);
        int count =
            columns == null
                ? -1
                : (int) columns.stream().filter(c -> CsvColumns.canonical(c) != null).count();
        if (count > known) {
          known = count;
          best = new CsvHeader(columns, separator, List.of(), List.of());
        }
      }
    }
    if (best == null || best.columns() == null) {
      throw new ApiException(
          400,
          "the CSV header row could not be read: send one row naming the columns",
          new FieldError(
              "header", first.error() != null ? first.error() : "not a CSV row of column names"));
    }
    return refuseUnknown(best.columns(), best.separator(), ignoreUnknown);
  }

  /**
   * A body's first record, after Excel's hint line ({@code sep=;}, written first by some exports)
   * if any, and the separator that line named (else null).
   */
  public record First(CsvRecords.Record record, Character separator) {}

  /**
   * The first record of a CSV body as every import reads it (the header's, when it has one):
   * Excel's {@code sep=} line read as the separator; no record is 400 naming {@code body}, with
   * {@code message}.
   */
  public static First first(CsvRecords records, String message) {
    CsvRecords.Record first = firstRecord(records, message, "empty");
    if (first.error() == null && SEP_LINE.matcher(first.text()).matches()) {
      char told = first.text().strip().charAt(4);
      return new First(firstRecord(records, message, "only a sep= line"), told);
    }
    return new First(first, null);
  }

  /** The values of one record under this separator (quotes read as RFC 4180), or null. */
  public static List<String> values(String record, char separator) {
    return columns(record, separator);
  }

  /** The next record, the header's; none is 400 saying {@code empty}. */
  private static CsvRecords.Record firstRecord(CsvRecords records, String message, String empty) {
    CsvRecords.Record first;
    try {
      first = records.next();
    } catch (IOException e) {
      throw new ApiException(
          400, "the body could not be read", new FieldError("body", e.getMessage()));
    }
    if (first == null) {
      throw new ApiException(400, message, new FieldError("body", empty));
    }
    return first;
  }

  private static final char[] SEPARATORS = {',', ';', '\t'};

  /** Excel's first-line hint naming the separator: {@code sep=;}, {@code sep=,}, a tab. */
  private static final java.util.regex.Pattern SEP_LINE =
      java.util.regex.Pattern.compile(
          "\\s*sep=[,;\t|]\\s*", java.util.regex.Pattern.CASE_INSENSITIVE);

  private static List<String> columns(String header, char separator) {
    try {
      return List.of(
          CSV.readerFor(String[].class)
              .with(CsvSchema.emptySchema().withColumnSeparator(separator))
              .<String[]>readValue(header));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A column the import does not know (a misspelt "notes", an extra one) or names twice is refused
   * before any row is read, as the JSON route refuses an unknown field: its values would be lost.
   * The columns answered are the import's names (a header may write "Phone", " phone " or
   * "Telefone": {@link CsvColumns}).
   */
  private static CsvHeader refuseUnknown(
      List<String> columns, char separator, boolean ignoreUnknown) {
    List<String> ignored = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    List<String> named = new ArrayList<>();
    List<String> canonical = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      String column = columns.get(i);
      // At most MAX_HEADER code points (never half an emoji), as every cap here counts.
      String cut = ReadableText.cut(column, MAX_HEADER);
      String name = cut.equals(column) ? column : cut + "...";
      String known = CsvColumns.canonical(column);
      // A column without a name (a spreadsheet's padding: "...,consentAt,,") is named by its
      // place: in the errors (the field was "", naming nothing) and, ignored, in ignoredColumns
      // (?unknownColumns=ignore, which the refusal offers, refused it all the same).
      String unnamed = "(column " + (i + 1) + ", no name)";
      if (known == null && ignoreUnknown) {
        ignored.add(column.isBlank() ? unnamed : name);
        canonical.add(IGNORED + i);
        continue;
      }
      canonical.add(known);
      if (known == null) {
        errors.add(
            column.isBlank()
                ? new FieldError("column " + (i + 1), "has no name")
                : new FieldError(name, "unknown column"));
        named.add(column.isBlank() ? unnamed : name);
      } else if (!seen.add(known)) {
        errors.add(new FieldError(name, "named twice"));
        named.add(name + " (named twice)");
      }
    }
    if (seen.contains("name")
        && (seen.contains(CsvColumns.FIRST_NAME) || seen.contains(CsvColumns.LAST_NAME))) {
      // Which of the two is the lead's name is not for the import to guess.
      for (int i = 0; i < columns.size(); i++) {
        String known = canonical.get(i);
        if (CsvColumns.FIRST_NAME.equals(known) || CsvColumns.LAST_NAME.equals(known)) {
          String name = columns.get(i);
          errors.add(new FieldError(name, "the name is given whole (name) and in parts"));
          named.add(name + " (the name given whole and in parts)");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(
              400,
              "the CSV header names columns the import does not know, or one twice: "
                  + String.join(", ", named)
                  + " (their values would be lost); the columns are "
                  + String.join(",", CsvColumns.COLUMNS)
                  + " (any case; separated by ',', ';' or tabs); to import the rows without"
                  + " columns it does not know, send ?unknownColumns=ignore",
              errors)
          .with("columns", CsvColumns.COLUMNS);
    }
    List<String> missing = new ArrayList<>();
    if (!seen.contains("name")
        && !seen.contains(CsvColumns.FIRST_NAME)
        && !seen.contains(CsvColumns.LAST_NAME)) {
      missing.add("name");
    }
    for (String column : REQUIRED) {
      if (!seen.contains(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      // Every row would be refused for the same reason: one answer for the file, before any row.
      throw new ApiException(
              400,
              "the CSV header has no "
                  + String.join(", ", missing)
                  + " column: every row needs "
                  + (missing.size() == 1 ? "it" : "them")
                  + " (any case; separated by ',', ';' or tabs); the columns are "
                  + String.join(",", CsvColumns.COLUMNS),
              missing.stream().map(m -> new FieldError(m, "required column missing")).toList())
          .with("columns", CsvColumns.COLUMNS);
    }
    return new CsvHeader(
        List.copyOf(canonical), separator, List.copyOf(ignored), List.copyOf(columns));
  }

  /** The columns every row needs besides a name (whole, or first and last). */
  private static final List<String> REQUIRED =
      List.of("phone", "company", "consentOptIn", "consentSource", "consentAt");

  /** The name an ignored column's values are read under: no row field has it. */
  private static final String IGNORED = "(ignored) ";

  /** The most characters of a header's own name said beside a row's error. */
  static final int MAX_HEADER = 100;

  /**
   * The file's own header of each of the import's columns ({@code phone} -> {@code Phone Number},
   * {@code consentAt} -> {@code Consent Date}): what a row's error names beside the import's
   * column, so the operator finds the column in their own file. As written, without the spaces
   * around it (a quoted header without its quotes; the byte-order mark is not part of it), at most
   * {@value #MAX_HEADER} characters. An ignored column has none (no error names it).
   */
  Map<String, String> fileHeaders() {
    Map<String, String> headers = new java.util.HashMap<>();
    for (int i = 0; i < columns.size() && i < written.size(); i++) {
      String column = columns.get(i);
      String header = written.get(i);
      if (column == null || column.startsWith(IGNORED) || header == null) {
        continue;
      }
      String stripped = header.strip();
      String cut = ReadableText.cut(stripped, MAX_HEADER);
      headers.putIfAbsent(column, cut.equals(stripped) ? stripped : cut + "...");
    }
    return headers;
  }

  /**
   * The name a row's column is echoed under in its answer: the header's own for an ignored column
   * (the failures download goes back into the import with the file's header), else the import's.
   */
  Map<String, String> echoNames() {
    Map<String, String> names = new java.util.HashMap<>();
    int k = 0;
    for (String column : columns) {
      if (column != null && column.startsWith(IGNORED) && k < ignored.size()) {
        String original = ignored.get(k++);
        if (!names.containsValue(original) && !columns.contains(original)) {
          names.put(column, original);
        }
      }
    }
    return names;
  }
}
