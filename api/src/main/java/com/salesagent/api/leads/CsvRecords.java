package com.salesagent.api.leads;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits a CSV body into its records (a row, with the line breaks of its quoted values), one at a
 * time, so that one bad row never costs the rows after it. Jackson's CSV parser reads the values of
 * each record; it cannot go on after an error (an unclosed quote makes the rest of the file one
 * value), so the record boundaries are found here: a line break ends a record unless it is inside a
 * quoted value, as in RFC 4180.
 *
 * <p>A record that cannot be read (a quoted value still open at the end of the body, a value over
 * {@code maxField} characters, a row over {@code maxRecord}) is answered as an error by its first
 * line, and reading goes on at the line after that first line: the rows an unclosed quote would
 * have swallowed are read again as rows. At most {@code maxRecord} characters are held. A leading
 * byte-order mark (Excel writes one) is skipped: it would be part of the first column's name. Lines
 * are counted as Jackson does ({@code \n}, {@code \r\n} or {@code \r}); blank lines are skipped.
 */
public final class CsvRecords {
  /** A record's first line and its text (without its line break), or why it cannot be read. */
  public record Record(long line, String text, String error) {}

  private static final int FIELD_START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;
  private static final int QUOTE_SEEN = 3;

  private final Reader in;
  private final int maxField;
  private final int maxRecord;
  private final long maxReplayed;
  private final StringBuilder buffer = new StringBuilder();
  private String replay = "";
  private int replayAt;
  private int pushedBack = -2;
  private long line = 1;
  private boolean started;
  private Record last;
  private long replayed;
  private String gaveUp;
  private char separator = ',';

  public CsvRecords(Reader in, int maxField, int maxRecord) {
    this(in, maxField, maxRecord, MAX_REPLAYED);
  }

  CsvRecords(Reader in, int maxField, int maxRecord, long maxReplayed) {
    this.in = in;
    this.maxField = maxField;
    this.maxRecord = maxRecord;
    this.maxReplayed = maxReplayed;
  }

  /**
   * The separator of the values from here on (',' until told: the header, read first, decides it).
   * A quote opens a quoted value only at the start of a value, so a ';' or tab file's quoted values
   * (a line break inside one) are only read right once the separator is known.
   */
  public void separator(char separator) {
    this.separator = separator;
  }

  /** The next record, or null at the end of the body (or once {@link #gaveUp()}). */
  public Record next() throws IOException {
    if (gaveUp != null) {
      return null;
    }
    if (!started) {
      started = true;
      int first = read();
      if (first != '\uFEFF') {
        unread(first);
      }
    }
    buffer.setLength(0);
    int state = FIELD_START;
    int field = 0;
    long start = line;
    while (true) {
      int c = read();
      if (c == -1) {
        if (state == QUOTED) {
          return unreadable(start, "a quoted value is not closed (no closing \" before the end)");
        }
        return buffer.length() == 0 ? null : complete(start);
      }
      if (c == '\r' || c == '\n') {
        line++;
        String lineBreak = "\n";
        if (c == '\r') {
          int d = read();
          if (d == '\n') {
            lineBreak = "\r\n";
          } else {
            unread(d);
            lineBreak = "\r";
          }
        }
        if (state != QUOTED) {
          if (buffer.length() == 0) {
            start = line;
            continue;
          }
          return complete(start);
        }
        buffer.append(lineBreak);
        field += lineBreak.length();
      } else {
        buffer.append((char) c);
        field++;
        switch (state) {
          case FIELD_START -> state = c == '"' ? QUOTED : c == separator ? FIELD_START : UNQUOTED;
          case QUOTED -> state = c == '"' ? QUOTE_SEEN : QUOTED;
          case QUOTE_SEEN -> state = c == '"' ? QUOTED : c == separator ? FIELD_START : UNQUOTED;
          default -> state = c == separator ? FIELD_START : UNQUOTED;
        }
        if (state == FIELD_START) {
          field = 0;
        }
      }
      if (field > maxField) {
        return unreadable(start, "a value longer than " + maxField + " characters");
      }
      if (buffer.length() > maxRecord) {
        return unreadable(start, "a row longer than " + maxRecord + " characters");
      }
    }
  }

  /**
   * The last record turned out unreadable (its values could not be parsed): reading goes on at the
   * line after its first line, as for a record this class could not read.
   */
  public void rejectLast() {
    if (last == null) {
      return;
    }
    int after = afterFirstLineBreak(last.text());
    if (after >= 0 && budget(last.text().length() - after)) {
      replay(last.text().substring(after) + "\n");
      line = last.line() + 1;
    }
    last = null;
  }

  private Record complete(long start) {
    last = new Record(start, buffer.toString(), null);
    return last;
  }

  private Record unreadable(long start, String why) throws IOException {
    last = null;
    int after = afterFirstLineBreak(buffer);
    if (after >= 0) {
      if (!budget(buffer.length() - after)) {
        return new Record(start, null, why);
      }
      replay(buffer.substring(after));
    } else {
      // The first line has not ended yet: the rest of it belongs to this row.
      int c;
      while ((c = read()) != -1 && c != '\n' && c != '\r') {
        // skipped
      }
      if (c == '\r') {
        int d = read();
        if (d != '\n') {
          unread(d);
        }
      }
    }
    line = start + 1;
    buffer.setLength(0);
    return new Record(start, null, why);
  }

  /**
   * Why reading stopped early, or null: reading lines again after unreadable rows costs at most
   * {@link #MAX_REPLAYED} characters an import (many unclosed quotes each followed by a megabyte
   * would otherwise read the body again and again).
   */
  public String gaveUp() {
    return gaveUp;
  }

  static final long MAX_REPLAYED = 64L * 1024 * 1024;

  private boolean budget(int chars) {
    replayed += chars;
    if (replayed > maxReplayed) {
      gaveUp =
          "too many unreadable rows (their lines were read again "
              + maxReplayed
              + " characters' worth): the rest was not read";
      return false;
    }
    return true;
  }

  private static int afterFirstLineBreak(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        return i + 1;
      }
      if (c == '\r') {
        return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 2 : i + 1;
      }
    }
    return -1;
  }

  /** Reads {@code text} again before the rest of the body. */
  private void replay(String text) {
    String rest = replay.substring(replayAt);
    if (pushedBack >= 0) {
      rest = (char) pushedBack + rest;
    }
    pushedBack = -2;
    replay = text + rest;
    replayAt = 0;
  }

  private int read() throws IOException {
    if (pushedBack != -2) {
      int c = pushedBack;
      pushedBack = -2;
      return c;
    }
    if (replayAt < replay.length()) {
      return replay.charAt(replayAt++);
    }
    if (!replay.isEmpty()) {
      replay = "";
      replayAt = 0;
    }
    return in.read();
  }

  private void unread(int c) {
    pushedBack = c;
  }
}
