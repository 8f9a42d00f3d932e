package com.salesagent.api.suppressions;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.leads.LeadValidator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An uploaded do-not-contact list's lines, each a number in E.164 or why it is not one, as its
 * readers find them: a CSV (one number per line, or a header naming the number's column among
 * others), JSON lines or a JSON array. The lines go to the upload's sink {@code batch} at a time as
 * they are read (only one batch is held), so a long list is never held whole; a list whose number
 * column cannot be found is refused before any line. Past the cap ({@link #full}) the lines read so
 * far stay in the buffer for the caller's last {@link #flush}: they are suppressed, never lost, and
 * the answer says where reading stopped.
 */
final class SuppressionImport {
  /** How many lines (numbers, valid or not) one upload may hold. */
  static final int MAX_NUMBERS = 100_000;

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

  /** Reads one value as a number (in {@code itemRegion}, else the upload's region). */
  void add(long line, String written, String itemRegion) {
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

  void invalid(long line, String written, FieldError error) {
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

  /** A value as its line's answer echoes it: stripped, cut to {@link #SHOWN} code points. */
  static String shown(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    String cut = ReadableText.cut(v, SHOWN);
    return cut.equals(v) ? v : cut + "…";
  }
}
