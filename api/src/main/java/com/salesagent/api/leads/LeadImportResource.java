package com.salesagent.api.leads;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.http.RequestJson;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/leads/import}: many leads in one request, as CSV (a header row, then one lead
 * per row) or JSON lines; each row validated and enrolled like {@code POST /api/leads} and answered
 * on its own line as it goes ({@link LeadImport}).
 */
@Tag(name = "leads")
@Timed
@Path("/api/leads/import")
public class LeadImportResource {
  private static final Logger LOG = LoggerFactory.getLogger(LeadImportResource.class);
  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final ObjectMapper strict;
  private final ImportRecords records;
  private final Executor background;
  private final ObjectStorage bodies;

  /**
   * {@code background}: where asynchronous imports ({@code ?async=true}) run, a bounded executor (a
   * full one refuses with 503). Their bodies are not kept: a process that stops leaves them
   * interrupted.
   */
  public LeadImportResource(
      LeadValidator validator,
      Enrolment enrolment,
      ObjectMapper mapper,
      ImportRecords records,
      Executor background) {
    this(validator, enrolment, mapper, records, background, null);
  }

  /**
   * As above, an asynchronous import's body kept in {@code bodies} (the object store) from its 202
   * to its end: a process that stops while it waits or runs leaves it to another ({@link
   * ImportResumer}).
   */
  public LeadImportResource(
      LeadValidator validator,
      Enrolment enrolment,
      ObjectMapper mapper,
      ImportRecords records,
      Executor background,
      ObjectStorage bodies) {
    this.validator = validator;
    this.enrolment = enrolment;
    this.strict = RequestJson.strict(mapper.copy());
    this.records = records;
    this.background = background;
    this.bodies = bodies;
  }

  /** Where an asynchronous import's body is kept. */
  static String bodyKey(String importId) {
    return "imports/" + importId + ".body";
  }

  /** Asynchronous imports at once, and waiting, in one process. */
  public static final int BACKGROUND_THREADS = 2;

  public static final int BACKGROUND_QUEUE = 8;

  /** The response header that names the import's record before any row. */
  public static final String IMPORT_ID = "Import-Id";

  /** A file's name: at most this many characters, no control characters. */
  static final int MAX_FILENAME = 255;

  @POST
  @Consumes(MediaType.WILDCARD)
  @JsonBodies.RawBody
  @Produces("application/x-ndjson")
  public Response importLeads(
      @Auth Operator operator,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam("Content-Disposition") String disposition,
      @QueryParam("filename") String filename,
      @QueryParam("unknownColumns") String unknownColumns,
      @QueryParam("region") String region,
      @QueryParam("recontact") String recontact,
      @QueryParam("async") String async,
      @HeaderParam("Prefer") String prefer,
      @RequestBody(
              description =
                  "Leads as CSV (a header row, then one lead per row) or as JSON lines (one lead"
                      + " object per line, the body of POST /api/leads)",
              content = {
                @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
                @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string"))
              })
          InputStream body) {
    boolean csv = contentType != null && contentType.toLowerCase().startsWith("text/csv");
    boolean jsonLines =
        contentType != null
            && (contentType.toLowerCase().contains("ndjson")
                || contentType.toLowerCase().contains("jsonl")
                || contentType.toLowerCase().contains("json-lines"));
    if (!csv && !jsonLines) {
      throw new ApiException(
          415,
          "send text/csv (with a header row) or application/x-ndjson (one JSON lead per line)",
          List.of(
              new FieldError(
                  "Content-Type",
                  "unsupported: "
                      + (contentType == null ? "none" : JsonBodies.shown(contentType)))));
    }
    boolean ignoreUnknown = "ignore".equals(unknownColumns);
    if (unknownColumns != null && !ignoreUnknown && !"refuse".equals(unknownColumns)) {
      throw new ApiException(
          400,
          "unknownColumns is refuse (the default: a CSV column the import does not know is 400) or"
              + " ignore (its values are left out, and the summary names it)",
          new FieldError("unknownColumns", "refuse|ignore"));
    }
    // A file of one country's numbers written without their country code (a Brazilian export on a
    // server whose DEFAULT_PHONE_REGION is US): read in that country after the lead's own.
    String phoneRegion = LeadValidator.region(region);
    LeadValidator rows = phoneRegion == null ? validator : validator.withRegion(phoneRegion);
    boolean inBackground = async(async, prefer);
    String name = filename(filename, disposition);
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("contentType", JsonBodies.shown(contentType));
    options.put("unknownColumns", ignoreUnknown ? "ignore" : "refuse");
    options.put("region", phoneRegion);
    options.put("recontact", RecentContacts.recontact(recontact));
    options.put("async", inBackground);
    ImportRecorder recorder =
        records.start(
            csv ? "csv" : "json_lines", operator == null ? null : operator.name(), name, options);
    // The body is read ahead into a file as fast as it comes (BodySpool): a client that sent it
    // all and went away leaves every row to be imported and recorded.
    BodySpool spool = BodySpool.start(body, recorder::bodyReceived);
    try {
      StreamingOutput output =
          started(
              csv,
              contentType,
              ignoreUnknown,
              rows,
              RecentContacts.recontact(recontact),
              recorder,
              spool.reader(recorder::tick),
              spool,
              null);
      if (inBackground) {
        return inBackground(output, recorder, spool);
      }
      return Response.ok(output)
          .header(IMPORT_ID, recorder.id())
          .header(HttpHeaders.LOCATION, "/api/imports/" + recorder.id())
          .build();
    } catch (ApiException e) {
      spool.close();
      recorder.refused(e.status(), e.getMessage());
      throw e.withHeader(IMPORT_ID, recorder.id());
    } catch (RuntimeException e) {
      spool.close();
      recorder.refused(500, "failed before any row: " + e);
      throw e;
    }
  }

  /**
   * The whole body received, the import runs on the background executor and the answer is 202 at
   * once, naming the record to read.
   */
  private Response inBackground(StreamingOutput output, ImportRecorder recorder, BodySpool spool) {
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
              new FieldError("async", "at most " + BACKGROUND_QUEUE + " imports wait"))
          .withHeader("Retry-After", 30)
          .withHeader(IMPORT_ID, recorder.id());
    }
    Map<String, Object> accepted = new LinkedHashMap<>();
    accepted.put("importId", recorder.id());
    accepted.put("status", ImportStatus.QUEUED);
    accepted.put("location", "/api/imports/" + recorder.id());
    return Response.accepted(accepted)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header(IMPORT_ID, recorder.id())
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
    String key = bodyKey(recorder.id());
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
          .withHeader(IMPORT_ID, recorder.id());
    }
    recorder.bodyKept(key);
    return key;
  }

  /** Runs an import on a background thread; its kept body is deleted at its end. */
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
                started(
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
            closeQuietly(body);
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

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // read only
    }
  }

  /** {@code ?async=true} or {@code Prefer: respond-async}. */
  static boolean async(String async, String prefer) {
    if (async != null && !"true".equals(async) && !"false".equals(async)) {
      throw new ApiException(
          400,
          "async is true (answer 202 at once, the import runs on the server: read its record) or"
              + " false (the default: the answer streams each row)",
          new FieldError("async", "true|false"));
    }
    return "true".equals(async)
        || (async == null
            && prefer != null
            && prefer.toLowerCase(java.util.Locale.ROOT).contains("respond-async"));
  }

  private StreamingOutput started(
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

  /**
   * The file's name, from {@code ?filename=} or the Content-Disposition header's {@code filename}:
   * kept on the import's record (never logged).
   */
  static String filename(String query, String disposition) {
    String name = query;
    String field = "filename";
    if (name == null && disposition != null) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(?i)filename\\s*=\\s*(\"([^\"]*)\"|[^;]+)")
              .matcher(disposition);
      if (m.find()) {
        name = (m.group(2) != null ? m.group(2) : m.group(1)).trim();
        field = "Content-Disposition";
      }
    }
    if (name == null || name.isEmpty()) {
      return null;
    }
    if (ReadableText.length(name) > MAX_FILENAME
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(
          400,
          "a file's name is at most " + MAX_FILENAME + " characters, without control characters",
          new FieldError(field, "at most " + MAX_FILENAME + " printable characters"));
    }
    return name;
  }
}
