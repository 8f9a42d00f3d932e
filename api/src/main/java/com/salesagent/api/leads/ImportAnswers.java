package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The lines an import answers on its response: each row's answer recorded ({@link ImportRecorder},
 * when the import is recorded) and then sent, one JSON line each, the summary last. A connection
 * that failed under a line (the client went away: a proxy's timeout, a closed tab) does not end the
 * import: the rows the body holds are still processed and recorded, and nothing more is written to
 * it ({@link ImportRecorder#clientGone}).
 */
final class ImportAnswers {
  private final ObjectMapper json;
  private final ImportRecorder recorder;
  private final OutputStream out;
  private long lastLine;
  private boolean clientGone;

  /** {@code recorder}: null when the import is not recorded. */
  ImportAnswers(ObjectMapper json, ImportRecorder recorder, OutputStream out) {
    this.json = json;
    this.recorder = recorder;
    this.out = out;
  }

  /** A row's answer ({@code line}: its line in the body): recorded, then sent. */
  void row(Map<String, Object> answer) {
    row(answer, null);
  }

  /**
   * A row's answer: recorded (with the lead ids it names and, when it echoes the row's columns,
   * their {@code phone} in E.164, so an erasure finds it), then sent.
   */
  void row(Map<String, Object> answer, String phone) {
    row(answer, phone, null);
  }

  /**
   * A row's answer, recorded without its columns when {@code columnsNotRecorded} says why (the
   * answer sent still has them).
   */
  void row(Map<String, Object> answer, String phone, String columnsNotRecorded) {
    byte[] bytes = bytes(answer);
    Object line = answer.get("line");
    long number = line instanceof Number n ? n.longValue() : 0;
    lastLine = Math.max(lastLine, number);
    if (recorder != null) {
      Map<String, Object> recorded = answer;
      byte[] recordedBytes = bytes;
      if (columnsNotRecorded != null && answer.containsKey("columns")) {
        recorded = new java.util.LinkedHashMap<>(answer);
        recorded.remove("columns");
        recorded.remove("columnsCut");
        recorded.put("columnsNotRecorded", columnsNotRecorded);
        recordedBytes = bytes(recorded);
      }
      recorder.row(
          number,
          answer.get("status"),
          new String(recordedBytes, StandardCharsets.UTF_8),
          ImportRows.leadIdsOf(answer),
          recorded.get("columns") instanceof Map<?, ?> ? phone : null);
    }
    send(bytes);
  }

  /** The import's last line, {@code {"summary": ...}}. */
  void summary(Map<String, Object> summary) {
    send(bytes(Map.of("summary", summary)));
  }

  /** The last line of the body a row answered (the record's, when it is recorded). */
  long lastLine() {
    return recorder == null ? lastLine : recorder.lastLine();
  }

  private byte[] bytes(Object value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A line to the client, unless it went away: then nothing more is written. */
  private void send(byte[] bytes) {
    if (clientGone) {
      return;
    }
    try {
      out.write(bytes);
      out.write('\n');
      out.flush();
    } catch (IOException | RuntimeException e) {
      clientGone = true;
      if (recorder != null) {
        recorder.clientGone();
      }
    }
  }
}
