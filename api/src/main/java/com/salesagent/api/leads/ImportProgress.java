package com.salesagent.api.leads;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far a lead import has gone: its counts (what the summary and the import's record give), where
 * it stops (the row cap, a cancellation, a body cut short) and, for a resumed import, the rows
 * handled before.
 */
final class ImportProgress {
  private final int maxRows;
  private int rows;
  private int enrolled;
  private int duplicates;
  private int rejected;
  private int refused;
  private String truncated;
  private int truncatedCode = 413;
  private boolean cancelled;

  /** A resumed import: the rows through this line were handled before (their answers recorded). */
  private long handledThrough;

  ImportProgress(int maxRows) {
    this.maxRows = maxRows;
  }

  /** Goes on from a stopped import's record: its last handled line and its counts. */
  void resumeAfter(long line, org.bson.Document counts) {
    handledThrough = line;
    if (counts != null) {
      rows = count(counts, "rows");
      enrolled = count(counts, "enrolled");
      duplicates = count(counts, "alreadyEnrolled");
      rejected = count(counts, "rejected");
      refused = count(counts, "refused");
    }
  }

  private static int count(org.bson.Document counts, String key) {
    return counts.get(key) instanceof Number n ? n.intValue() : 0;
  }

  /** A row the import handled before it was resumed: skipped. */
  boolean handledBefore(long line) {
    return line <= handledThrough;
  }

  /** One more row read (its outcome counted by one of the methods below). */
  void row() {
    rows++;
  }

  void rejected() {
    rejected++;
  }

  void enrolled() {
    enrolled++;
  }

  void alreadyEnrolled() {
    duplicates++;
  }

  void refused() {
    refused++;
  }

  int rows() {
    return rows;
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

  /**
   * True when no further row is read: the import was cancelled (its record says by whom) or it
   * holds {@code maxRows} rows (the summary says the rest was not read).
   */
  boolean full(ImportRecorder recorder) {
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

  boolean cancelled() {
    return cancelled;
  }

  /** The rest of the body was not read, for this reason (the summary's code stays as it is). */
  void truncated(String why) {
    truncated = why;
  }

  /** The rest of the body could not be read (a CSV given up): code 422, unless already cut. */
  void unreadable(String why) {
    if (why != null && truncated == null) {
      truncated = why;
      truncatedCode = 422;
    }
  }

  /** Puts the summary's truncation fields, where the body was not read to its end. */
  void putTruncation(Map<String, Object> summary) {
    if (truncated != null) {
      summary.put("truncated", true);
      summary.put("code", truncatedCode);
      summary.put("message", truncated);
    }
  }
}
