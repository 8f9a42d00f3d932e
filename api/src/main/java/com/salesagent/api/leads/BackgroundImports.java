package com.salesagent.api.leads;

import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous imports ({@code ?async=true}) of {@link LeadImportResource}: the whole body received
 * and kept in the object store before the 202, the run on the bounded background executor (a full
 * one is a 503), the kept body deleted at its end; an import whose process stopped resumed from its
 * kept body ({@link ImportResumer}).
 */
final class BackgroundImports {
  private static final Logger LOG = LoggerFactory.getLogger(LeadImportResource.class);

  private final LeadValidator validator;
  private final ImportRecords records;
  private final Executor background;
  private final ObjectStorage bodies;
  private final ImportOutputs outputs;

  BackgroundImports(
      LeadValidator validator,
      ImportRecords records,
      Executor background,
      ObjectStorage bodies,
      ImportOutputs outputs) {
    this.validator = validator;
    this.records = records;
    this.background = background;
    this.bodies = bodies;
    this.outputs = outputs;
  }

  /**
   * The whole body received, the import runs on the background executor and the answer is 202 at
   * once, naming the record to read.
   */
  Response inBackground(StreamingOutput output, ImportRecorder recorder, BodySpool spool) {
    try {
      spool.awaitEnd(recorder::tick);
    } catch (IOException e) {
      spool.close();
      recorder.end(
          ImportStatus.INTERRUPTED,
          "the request's body ended before the end of the file (the connection closed during the"
              + " upload): no row was processed",
          null);
      throw new ApiException(
          400,
          "the body ended before its end: nothing imported",
          new FieldError("body", e.getMessage()));
    }
    String key = keep(recorder, spool);
    try {
      recorder.queued();
      background.execute(() -> runInBackground(output, recorder, key));
    } catch (RejectedExecutionException e) {
      spool.close();
      drop(recorder, key);
      recorder.refused(503, "busy: too many imports run in the background");
      throw new ApiException(
              503,
              "too many imports run in the background: try again later, or import without async",
              new FieldError(
                  "async", "at most " + LeadImportResource.BACKGROUND_QUEUE + " imports wait"))
          .withHeader("Retry-After", 30)
          .withHeader(LeadImportResource.IMPORT_ID, recorder.id());
    }
    Map<String, Object> accepted = new LinkedHashMap<>();
    accepted.put("importId", recorder.id());
    accepted.put("status", ImportStatus.QUEUED);
    accepted.put("location", "/api/imports/" + recorder.id());
    return Response.accepted(accepted)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header(LeadImportResource.IMPORT_ID, recorder.id())
        .header(HttpHeaders.LOCATION, "/api/imports/" + recorder.id())
        .build();
  }

  /**
   * Keeps the whole body in the object store before the 202 (its key, or null without a store): a
   * body that cannot be kept is a 503, nothing imported, rather than an accepted import a restart
   * would lose.
   */
  private String keep(ImportRecorder recorder, BodySpool spool) {
    if (bodies == null) {
      return null;
    }
    String key = LeadImportResource.bodyKey(recorder.id());
    try {
      bodies.putFile(key, spool.file(), "application/octet-stream");
    } catch (RuntimeException e) {
      spool.close();
      LOG.warn("import {}: body not kept ({})", recorder.id(), e.getClass().getSimpleName());
      recorder.refused(503, "the body could not be kept in the object store: " + e);
      throw new ApiException(
              503,
              "the import's body could not be kept for it to survive a restart: try again later,"
                  + " or import without async",
              new FieldError("async", "the object store did not take the body"))
          .withHeader("Retry-After", 30)
          .withHeader(LeadImportResource.IMPORT_ID, recorder.id());
    }
    recorder.bodyKept(key);
    return key;
  }

  private void runInBackground(StreamingOutput output, ImportRecorder recorder, String key) {
    recorder.running();
    try {
      output.write(OutputStream.nullOutputStream());
    } catch (IOException | RuntimeException e) {
      // LeadImport recorded it (failed); nobody waits for this thread.
      LOG.warn("import {} failed: {}", recorder.id(), e.getClass().getSimpleName());
    } finally {
      drop(recorder, key);
    }
  }

  private void drop(ImportRecorder recorder, String key) {
    if (key == null) {
      return;
    }
    try {
      bodies.delete(key);
      recorder.bodyDropped();
    } catch (RuntimeException e) {
      LOG.warn(
          "import {}: kept body not deleted ({})", recorder.id(), e.getClass().getSimpleName());
    }
  }

  /**
   * Takes over an asynchronous import whose process stopped ({@link ImportRecords#claimStale}): its
   * kept body read again with the same options, the rows through its last recorded line skipped,
   * the rest imported and recorded on the background executor. False when the executor is full (the
   * claim is released for a later try).
   */
  boolean resume(Document record) {
    String id = record.getString("_id");
    String key = record.getString("bodyKey");
    Document stored = record.get("options", Document.class);
    Document options = stored == null ? new Document() : stored;
    String contentType = options.getString("contentType");
    boolean csv = contentType != null && contentType.toLowerCase().startsWith("text/csv");
    String region = options.getString("region");
    LeadValidator rows = region == null ? validator : validator.withRegion(region);
    ImportRecorder recorder = records.resume(record);
    Runnable task =
        () -> {
          StreamingOutput output;
          InputStream body;
          try {
            body = bodies.open(key);
          } catch (RuntimeException e) {
            recorder.end(
                ImportStatus.FAILED,
                "its kept body could not be read to resume it after line "
                    + recorder.lastLine()
                    + ": "
                    + e,
                null);
            return;
          }
          try {
            output =
                outputs.started(
                    csv,
                    contentType,
                    "ignore".equals(options.getString("unknownColumns")),
                    rows,
                    Boolean.TRUE.equals(options.getBoolean("recontact")),
                    recorder,
                    body,
                    body,
                    record);
          } catch (RuntimeException e) {
            ImportOutputs.closeQuietly(body);
            recorder.end(ImportStatus.FAILED, "could not be resumed: " + e.getMessage(), null);
            drop(recorder, key);
            return;
          }
          runInBackground(output, recorder, key);
        };
    try {
      background.execute(task);
      LOG.info("import {} resumed after line {}", id, recorder.lastLine());
      return true;
    } catch (RejectedExecutionException e) {
      records.release(id);
      return false;
    }
  }
}
