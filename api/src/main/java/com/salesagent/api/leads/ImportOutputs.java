package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.bson.Document;

/**
 * An import's body made its run ({@link LeadImportResource}): an empty body refused, the CSV's
 * charset and header read before the answer, and the rows imported as the output is written (by the
 * response, or on the background executor), a resumed import after its last recorded line.
 */
final class ImportOutputs {
  private final Enrolment enrolment;
  private final ObjectMapper strict;

  ImportOutputs(Enrolment enrolment, ObjectMapper strict) {
    this.enrolment = enrolment;
    this.strict = strict;
  }

  StreamingOutput started(
      boolean csv,
      String contentType,
      boolean ignoreUnknown,
      LeadValidator rows,
      boolean recontact,
      ImportRecorder recorder,
      InputStream source,
      AutoCloseable spool,
      Document resumed) {
    PushbackInputStream in = new PushbackInputStream(source, CsvCharset.SNIFF);
    int first;
    try {
      first = in.read();
    } catch (IOException e) {
      throw new ApiException(
          400, "the body could not be read", new FieldError("body", e.getMessage()));
    }
    if (first == -1) {
      throw new ApiException(
          400,
          csv
              ? "empty CSV: send a header row naming the columns, then one lead per row"
              : "empty body: send one JSON lead per line",
          List.of(new FieldError("body", "empty")));
    }
    try {
      in.unread(first);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // An operator's recontact=true enrols numbers our message reached lately that never answered.
    LeadImport importer =
        new LeadImport(
                rows, recontact ? enrolment.recontacting() : enrolment, strict, LeadImport.MAX_ROWS)
            .recordingTo(recorder);
    if (resumed != null) {
      importer.resumingAfter(recorder.lastLine(), resumed.get("counts", Document.class));
    }
    StreamingOutput output;
    if (csv) {
      CsvRecords records = LeadImport.csvRecords(in, CsvCharset.of(contentType, in));
      CsvHeader header = CsvHeader.read(records, ignoreUnknown);
      output =
          out -> {
            try {
              importer.csv(records, header, out);
            } finally {
              closeQuietly(spool);
            }
          };
    } else {
      output =
          out -> {
            try {
              importer.jsonLines(in, out);
            } finally {
              closeQuietly(spool);
            }
          };
    }
    return output;
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // read only
    }
  }
}
