package com.salesagent.api.suppressions;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.leads.CsvColumns;
import com.salesagent.api.leads.CsvHeader;
import com.salesagent.api.leads.CsvRecords;
import com.salesagent.api.leads.LeadValidator;
import java.io.IOException;
import java.io.Reader;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an uploaded do-not-contact list into its lines, each a number in E.164 or why it is not
 * one: a CSV (one number per line, or a header naming the number's column among others, as a CRM
 * export: the lead import's reading, {@link CsvRecords} and {@link CsvHeader}), JSON lines or a
 * JSON array (each a number, or an object with {@code number} or {@code phone} and {@code region}).
 * The lines go to the upload's sink {@code batch} at a time as they are read (only one batch is
 * held), so a long list is never held whole; a list whose number column cannot be found is refused
 * before any line. Past the cap ({@link #full}) the lines read so far stay in the buffer for the
 * caller's last {@link #flush}: they are suppressed, never lost, and the answer says where reading
 * stopped.
 */
final class SuppressionImport {
  /** How many lines (numbers, valid or not) one upload may hold. */
  static final int MAX_NUMBERS = 100_000;

  /** A CSV value's cap and a row's (a CRM export's notes may be long; one row is held at most). */
  static final int MAX_FIELD = 1024 * 1024;

  static final int MAX_ROW = 4 * MAX_FIELD;

  /** A JSON line's cap, or a JSON array item's text: a number and a region, with room to spare. */
  static final int MAX_JSON_LINE = 4096;

  /** How much of a value that is no number is echoed in its line's answer, in code points. */
  private static final int SHOWN = 40;

  /** One line of the list: its number, or why it is not one (and the value as written, cut). */
  record Line(long line, String number, String value, List<FieldError> errors) {}

  private final LeadValidator phones;
  private final String region;
  private final int maxNumbers;
  private final Map<String, LeadValidator> byRegion = new HashMap<>();
  private final List<Line> lines = new ArrayList<>();
  private final int batch;
  private final java.util.function.Consumer<List<Line>> sink;
  private long read;
  private long lastLine;

  /**
   * {@code region}: the country of the numbers written without their code (checked), or null;
   * {@code sink} takes the lines {@code batch} at a time (a list it may keep only while called).
   */
  SuppressionImport(
      LeadValidator phones,
      String region,
      int maxNumbers,
      int batch,
      java.util.function.Consumer<List<Line>> sink) {
    this.phones = phones;
    this.region = region;
    this.maxNumbers = maxNumbers;
    this.batch = batch;
    this.sink = sink;
  }

  /** Gives the sink the lines read and not given yet. */
  void flush() {
    if (!lines.isEmpty()) {
      List<Line> given = List.copyOf(lines);
      lines.clear();
      sink.accept(given);
    }
  }

  /** How many lines were read (numbers, valid or not). */
  long read() {
    return read;
  }

  /** The last line (of the body; an array's item) read, 0 before the first. */
  long lastLine() {
    return lastLine;
  }

  /**
   * A CSV body. The first row is a header when one of its values names the number's column ({@code
   * number}, {@code phone} or any name the lead import reads as the phone: "Phone Number",
   * "Mobile", "Telefone"...; or the one {@code column} names), or when it is one value with no
   * digit in it; else every row is one number. A header of several columns none of which is a
   * number's is 400 naming {@code number}; one with several is 400 naming {@code column} (choose
   * one with {@code ?column=}). Returns the column read (null without a header).
   */
  String csv(CsvRecords records, String column) throws IOException {
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
              + shown(String.join(", ", several))
              + "; name the one to read with ?column=",
          new FieldError("column", "several number columns: " + shown(String.join(", ", several))));
    }
    boolean header = index >= 0;
    String headerOnly = null;
    if (!header) {
      if (column != null) {
        throw new ApiException(
            400,
            "the header names no column " + shown(column),
            new FieldError("column", "not in the header: " + shown(column)));
      }
      String text = head.text().strip();
      boolean digits = text.chars().anyMatch(Character::isDigit);
      boolean columns = text.indexOf(',') >= 0 || text.indexOf(';') >= 0 || text.indexOf('\t') >= 0;
      if (!digits && columns) {
        throw new ApiException(
            400,
            "the list's header names no number column: name it number or phone (or Phone Number,"
                + " Mobile, Telefone...), or send one number per line without a header",
            new FieldError("number", "no number column in the header: " + shown(text)));
      }
      if (digits) {
        add(head.line(), unquoted(text), null);
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
        invalid(record.line(), null, new FieldError("row", "unreadable CSV: " + record.error()));
        continue;
      }
      if (!header) {
        String text = record.text().strip();
        if (!text.isEmpty()) {
          add(record.line(), unquoted(text), null);
          headerOnly = null;
        }
        continue;
      }
      List<String> values = CsvHeader.values(record.text(), separator);
      if (values == null) {
        invalid(record.line(), null, new FieldError("row", "unreadable CSV"));
        records.rejectLast();
        continue;
      }
      if (values.stream().allMatch(v -> v == null || v.isBlank())) {
        continue; // only separators: a spreadsheet's trailing rows
      }
      add(record.line(), index < values.size() ? values.get(index) : null, null);
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

  /** JSON lines: each a number (a JSON text) or {@code {"number": ..., "region": ...}}. */
  void jsonLines(Reader in, ObjectMapper json) throws IOException {
    StringBuilder buffer = new StringBuilder();
    long line = 0;
    boolean more = true;
    while (more) {
      buffer.setLength(0);
      boolean tooLong = false;
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (buffer.length() < MAX_JSON_LINE) {
          buffer.append((char) c);
        } else {
          tooLong = true;
        }
      }
      more = c != -1;
      line++;
      String text = buffer.toString().strip();
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1).strip();
      }
      if (tooLong) {
        invalid(line, null, new FieldError("row", "longer than " + MAX_JSON_LINE + " characters"));
        continue;
      }
      if (text.isEmpty()) {
        continue;
      }
      JsonNode item;
      try {
        item = json.readTree(text);
      } catch (IOException e) {
        invalid(line, text, new FieldError("row", "not JSON: " + firstLine(e)));
        continue;
      }
      item(line, item);
    }
  }

  /** A JSON array: each item a number or an object; {@code line} is the item's place (from 1). */
  void jsonArray(java.io.InputStream in, ObjectMapper json) throws IOException {
    try (JsonParser parser = json.getFactory().createParser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new ApiException(
            400,
            "send a JSON array of numbers (or of {\"number\": ..., \"region\": ...})",
            new FieldError("body", "not a JSON array"));
      }
      long line = 0;
      try {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          line++;
          JsonNode item = json.readTree(parser);
          item(line, item);
        }
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new ApiException(
            400,
            "the JSON array could not be read after item "
                + (line - 1)
                + ": the items before it are answered in results, the rest was not read",
            new FieldError("body", firstLine(e)));
      }
    }
  }

  /** A JSON mapper whose texts are capped at a JSON line's length. */
  static ObjectMapper capped(ObjectMapper mapper) {
    ObjectMapper copy = mapper.copy();
    copy.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(MAX_JSON_LINE).build());
    return copy;
  }

  private void item(long line, JsonNode item) {
    if (item == null || item.isNull() || item.isMissingNode()) {
      invalid(line, null, new FieldError("number", "a number, or {\"number\": ...}"));
    } else if (item.isTextual()) {
      add(line, item.asText(), null);
    } else if (item.isObject()) {
      JsonNode number = item.has("number") ? item.get("number") : item.get("phone");
      String field = item.has("number") || !item.has("phone") ? "number" : "phone";
      JsonNode region = item.get("region");
      if (region != null && !region.isNull() && !region.isTextual()) {
        invalid(line, null, new FieldError("region", "a two-letter country, e.g. BR"));
      } else if (number != null && !number.isNull() && !number.isTextual()) {
        invalid(line, null, new FieldError(field, "a text, e.g. \"+5511998765432\""));
      } else {
        add(
            line,
            number == null || number.isNull() ? null : number.asText(),
            region == null || region.isNull() ? null : region.asText());
      }
    } else {
      invalid(
          line,
          item.toString(),
          new FieldError("number", "a text, e.g. \"+5511998765432\", or {\"number\": ...}"));
    }
  }

  /** Reads one value as a number (in {@code itemRegion}, else the upload's region). */
  private void add(long line, String written, String itemRegion) {
    full(line);
    String regionOf = region;
    if (itemRegion != null) {
      try {
        regionOf = LeadValidator.region(itemRegion);
      } catch (ApiException e) {
        keep(
            new Line(
                line,
                null,
                shown(written),
                List.of(
                    new FieldError("region", "not a two-letter country: " + shown(itemRegion)))));
        return;
      }
    }
    Read read = read(phones(regionOf), written, regionOf);
    if (read.error() != null) {
      keep(new Line(line, null, shown(written), List.of(read.error())));
    } else {
      keep(new Line(line, read.number(), null, null));
    }
  }

  private void invalid(long line, String written, FieldError error) {
    full(line);
    keep(new Line(line, null, shown(written), List.of(error)));
  }

  private void keep(Line line) {
    lines.add(line);
    read++;
    lastLine = line.line();
    if (lines.size() >= batch) {
      flush();
    }
  }

  /**
   * One line more than the cap is 413 naming {@code body} and the cap: the lines before it were
   * read (and are suppressed by the caller's last flush), this one and the rest are not.
   */
  private void full(long line) {
    if (read >= maxNumbers) {
      throw new ApiException(
          413,
          "at most "
              + maxNumbers
              + " numbers per upload: the first "
              + maxNumbers
              + " were read and are answered in results; line "
              + line
              + " and the rest were not read: upload them as another list",
          new FieldError(
              "body",
              "more than " + maxNumbers + " numbers (the limit): not read from line " + line));
    }
  }

  private LeadValidator phones(String regionOf) {
    return regionOf == null ? phones : byRegion.computeIfAbsent(regionOf, phones::withRegion);
  }

  /** A number read, or why it is not one. */
  record Read(String number, FieldError error) {}

  /**
   * The number in E.164. Written with + and its country code, as is; without it, only in {@code
   * region} (never in the server's DEFAULT_PHONE_REGION), else an error naming {@code number}.
   */
  static Read read(LeadValidator phones, String raw, String region) {
    String written = raw == null ? "" : raw.strip();
    if (written.isEmpty()) {
      return new Read(
          null,
          new FieldError(
              "number",
              "required: a phone number with + and its country code, e.g. +5511998765432"));
    }
    if (written.length() > 40) {
      return new Read(null, new FieldError("number", "at most 40 characters"));
    }
    if (!written.startsWith("+") && region == null) {
      return new Read(
          null,
          new FieldError(
              "number",
              "write it with + and its country code, e.g. +5521934567890, or name its"
                  + " country with region (e.g. region=BR)"));
    }
    String number = phones.normalisePhone(written);
    if (number == null) {
      return new Read(
          null,
          new FieldError(
              "number",
              region == null
                  ? "not a valid phone number (with + and its country code, e.g."
                      + " +5511998765432)"
                  : "not a valid phone number of " + region));
    }
    return new Read(number, null);
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

  private static String shown(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    String cut = ReadableText.cut(v, SHOWN);
    return cut.equals(v) ? v : cut + "…";
  }

  private static String firstLine(Exception e) {
    String m =
        e instanceof com.fasterxml.jackson.core.JsonProcessingException p
            ? p.getOriginalMessage()
            : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
  }
}
